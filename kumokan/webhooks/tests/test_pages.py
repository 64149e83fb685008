"""The administrator's webhook pages: add a receiver (the secret shown once), change it, rotate the
secret, read the delivery log and redeliver; other roles 403, another city's receiver 404."""

from __future__ import annotations

import pytest

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.choices import Role
from kumokan.webhooks.models import Delivery, Subscription
from kumokan.webhooks.tests.support import subscribe

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)  # the suite's force_login completes the second factor (conftest.py)
    return client


def test_the_administrator_adds_a_receiver_and_sees_its_secret_once(client):
    c = f.city("kobe")
    signed_in(client, c.administrator)
    assert 'href="/webhooks/"' in client.get("/").content.decode()

    response = client.post(
        "/webhooks/",
        {
            "url": "http://127.0.0.1:8080/hook",
            "description": "資産管理",
            "event_types": ["application.approved"],
        },
    )

    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.secret in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.WEBHOOK_CREATE, actor=c.administrator).exists()
    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in page
    assert "http://127.0.0.1:8080/hook" in page


def test_a_refused_url_is_explained_in_japanese_and_nothing_is_saved(client, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    c = f.city("kobe")
    signed_in(client, c.administrator)
    response = client.post(
        "/webhooks/", {"url": "http://169.254.169.254/latest/meta-data/", "event_types": ["recheck.overdue"]}
    )
    assert response.status_code == 400
    assert "のアドレスには送信できません" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_delivery_log_shows_each_attempt_and_a_delivery_can_be_sent_again(
    client, receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver(500)
    subscription, _secret = subscribe(c, city_system.url)
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    delivery = Delivery.objects.get()
    signed_in(client, c.administrator)

    page = client.get(f"/webhooks/{subscription.pk}/").content.decode()
    assert "application.approved" in page and str(delivery.event.uuid) in page
    assert "送信待ち" in page and "HTTP 500" in page

    assert client.get(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(city_system.requests) == 2


def test_the_administrator_turns_a_receiver_off_and_rotates_its_secret(client):
    c = f.city("kobe")
    subscription, old = subscribe(c, "http://127.0.0.1:8080/hook")
    signed_in(client, c.administrator)

    response = client.post(
        f"/webhooks/{subscription.pk}/",
        {"url": subscription.url, "event_types": subscription.event_types, "version": 1},
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.active

    response = client.post(f"/webhooks/{subscription.pk}/rotate/")
    subscription.refresh_from_db()
    assert subscription.secret != old and subscription.secret in response.content.decode()


@pytest.mark.parametrize("role", ["security_manager", "chief", "applicant", "auditor"])
def test_other_roles_may_not_open_the_pages(client, role):
    c = f.city("kobe")
    person = getattr(c, role, None) or f.member(c.municipality, Role.AUDITOR)
    signed_in(client, person)
    assert client.get("/webhooks/").status_code == 403
    assert 'href="/webhooks/"' not in client.get("/").content.decode()


def test_another_citys_receiver_and_deliveries_are_404(
    client, receiver, eager, django_capture_on_commit_callbacks
):
    kobe, osaka = f.city("kobe"), f.city("osaka")
    subscription, _secret = subscribe(kobe, receiver().url)
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(kobe, Outcome.APPROVED)
    delivery = Delivery.objects.get()
    signed_in(client, osaka.administrator)
    assert client.get(f"/webhooks/{subscription.pk}/").status_code == 404
    assert client.post(f"/webhooks/{subscription.pk}/rotate/").status_code == 404
    assert client.post(f"/webhooks/deliveries/{delivery.pk}/redeliver/").status_code == 404
    assert kobe.municipality.name not in client.get("/webhooks/").content.decode()
