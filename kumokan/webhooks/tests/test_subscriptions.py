"""The city's administrator manages its own subscriptions, each change audited; the secret is kept
out of the trail; a receiver URL may not reach kumokan's own network (SSRF)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from kumokan.applications.choices import Outcome
from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import ConflictError, WorkflowError
from kumokan.webhooks import actions
from kumokan.webhooks.choices import DeliveryStatus, EventType
from kumokan.webhooks.models import Delivery, Subscription
from kumokan.webhooks.tests.support import subscribe, verified

pytestmark = pytest.mark.django_db


def test_the_administrator_subscribes_and_the_secret_stays_out_of_the_trail():
    c = f.city("kobe")
    subscription, secret = subscribe(c, "http://127.0.0.1:8080/hook", EventType.APPLICATION_APPROVED)
    assert secret.startswith("whsec_") and len(secret) > 40
    assert subscription.event_types == ["application.approved"]
    made = AuditEvent.objects.get(action=Action.WEBHOOK_CREATE)
    assert made.actor == c.administrator and made.municipality == c.municipality
    assert made.after["url"] == "http://127.0.0.1:8080/hook"
    assert secret not in str(made.after)


@pytest.mark.parametrize("role", ["security_manager", "chief", "applicant", "approver"])
def test_only_the_administrator_may_subscribe(role):
    c = f.city("kobe")
    with pytest.raises(PermissionDenied):
        actions.create_subscription(
            acting_user=getattr(c, role),
            municipality=c.municipality,
            url="http://127.0.0.1:8080/hook",
            event_types=EventType.values,
        )
    assert not Subscription.objects.exists()


def test_another_citys_administrator_may_not_touch_a_subscription():
    kobe, osaka = f.city("kobe"), f.city("osaka")
    subscription, _secret = subscribe(kobe, "http://127.0.0.1:8080/hook")
    with pytest.raises(PermissionDenied):
        actions.create_subscription(
            acting_user=osaka.administrator,
            municipality=kobe.municipality,
            url="http://127.0.0.1:8081/hook",
            event_types=EventType.values,
        )
    with pytest.raises(PermissionDenied):
        actions.rotate_secret(acting_user=osaka.administrator, subscription=subscription)
    with pytest.raises(PermissionDenied):
        actions.update_subscription(
            acting_user=osaka.administrator,
            subscription=subscription,
            url="http://127.0.0.1:8081/hook",
            event_types=EventType.values,
            description="",
            active=True,
        )


def test_a_change_is_audited_on_the_version_read_and_turning_on_again_starts_the_count_over():
    c = f.city("kobe")
    subscription, _secret = subscribe(c, "http://127.0.0.1:8080/hook")
    changed = actions.update_subscription(
        acting_user=c.administrator,
        subscription=subscription,
        url="http://127.0.0.1:8080/v2",
        event_types=[EventType.RECHECK_OVERDUE],
        description="台帳",
        active=False,
        expected_version=1,
    )
    assert (changed.url, changed.event_types, changed.active, changed.version) == (
        "http://127.0.0.1:8080/v2",
        ["recheck.overdue"],
        False,
        2,
    )
    audit = AuditEvent.objects.get(action=Action.WEBHOOK_UPDATE)
    assert audit.before["active"] is True and audit.after["active"] is False
    with pytest.raises(ConflictError) as stale:
        actions.update_subscription(
            acting_user=c.administrator,
            subscription=subscription,
            url="http://127.0.0.1:8080/v3",
            event_types=EventType.values,
            description="",
            active=True,
            expected_version=1,
        )
    assert stale.value.code == "stale_version"
    with pytest.raises(WorkflowError) as none:
        actions.update_subscription(
            acting_user=c.administrator,
            subscription=changed,
            url=changed.url,
            event_types=[],
            description="",
            active=True,
        )
    assert none.value.code == "events"


def test_a_rotated_secret_signs_from_then_on_and_the_old_one_no_longer_verifies(
    receiver, eager, django_capture_on_commit_callbacks
):
    c = f.city("kobe")
    city_system = receiver()
    subscription, old = subscribe(c, city_system.url)
    _subscription, new = actions.rotate_secret(acting_user=c.administrator, subscription=subscription)
    assert new != old
    rotated = AuditEvent.objects.get(action=Action.WEBHOOK_ROTATE_SECRET)
    assert old not in str(rotated.after) and new not in str(rotated.after)

    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    [request] = city_system.requests
    assert verified(request, new)["type"] == "application.approved"
    with pytest.raises(AssertionError):
        verified(request, old)


REFUSED = [
    "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "http://[fe80::1]/hook",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/",
    # IPv6 forms that carry an IPv4 address to a translator or tunnel (NAT64, 6to4, IPv4-compatible).
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
    "http://[64:ff9b::7f00:1]:8080/hook",
    "http://[64:ff9b:1::a00:5]/hook",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[2002:c0a8:10a::]/hook",
    "http://[::a9fe:a9fe]/",
    "http://[::7f00:1]:8080/hook",
    "http://[::ffff:0:a00:5]/hook",
    "http://[fec0::1]/hook",
    # Decimal, octal and hex spellings of loopback resolve to it and are refused as it.
    "http://2130706433:8080/hook",
    "http://0177.0.0.1:8080/hook",
    "http://0x7f000001:8080/hook",
    "http://localhost.:8080/hook",
    "http://10.0.0.5/hook",
    "http://192.168.1.10/hook",
    "http://127.0.0.1:8080/hook",
    "http://localhost:8080/hook",
    "http://0.0.0.0/",
    "ftp://example.jp/hook",
    "http://user:password@example.jp/hook",
    "http:///no-host",
]


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
@pytest.mark.parametrize("url", REFUSED)
def test_a_url_into_kumokans_own_network_is_refused(url):
    c = f.city("kobe")
    with pytest.raises(WorkflowError) as refused:
        subscribe(c, url)
    assert refused.value.code == "url"
    assert refused.value.ja and refused.value.en
    assert not Subscription.objects.exists()


@override_settings(WEBHOOK_ALLOWED_NETWORKS=["169.254.0.0/16", "127.0.0.0/8"])
def test_link_local_is_refused_even_in_an_allowed_network():
    c = f.city("kobe")
    with pytest.raises(WorkflowError):
        subscribe(c, "http://169.254.169.254/latest/meta-data/")
    assert subscribe(c, "http://127.0.0.1:8080/hook")[0].pk


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
@pytest.mark.parametrize("url", ["http://[64:ff9b::808:808]/hook", "http://[2002:808:808::1]/hook"])
def test_a_translated_public_address_is_judged_as_the_address_it_carries(url):
    assert subscribe(f.city("kobe"), url)[0].pk


@override_settings(WEBHOOK_REQUIRE_HTTPS=True)
def test_production_accepts_https_only():
    c = f.city("kobe")
    with pytest.raises(WorkflowError) as refused:
        subscribe(c, "http://127.0.0.1:8080/hook")
    assert "https://" in refused.value.ja and "https://" in refused.value.en


def test_a_receiver_that_turned_into_a_refused_address_is_not_contacted(
    eager, django_capture_on_commit_callbacks
):
    """The URL is checked again at every delivery: a name may resolve elsewhere since it was saved."""
    c = f.city("kobe")
    subscription, _secret = subscribe(c, "http://127.0.0.1:8080/hook")
    Subscription.objects.filter(pk=subscription.pk).update(url="http://169.254.169.254/latest/meta-data/")
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "may not send to" in delivery.last_error


@override_settings(WEBHOOK_ALLOWED_NETWORKS=[])
def test_a_refusal_does_not_say_which_private_address_a_name_resolves_to():
    """An administrator may not map kumokan's network by typing names: the address stays in the log."""
    c = f.city("kobe")
    with pytest.raises(WorkflowError) as refused:
        subscribe(c, "http://localhost:8080/hook")
    assert "127.0.0.1" not in refused.value.ja and "127.0.0.1" not in refused.value.en
    assert "::1" not in refused.value.ja and "::1" not in refused.value.en
    assert "localhost" in refused.value.ja and "may not send to" in refused.value.en


@override_settings(WEBHOOK_ALLOWED_PORTS=[(80, 80), (443, 443), (8443, 8443)])
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:22/", "https://127.0.0.1:6379/hook", "http://127.0.0.1:8080/"]
)
def test_a_port_outside_the_allowed_ones_is_refused(url):
    c = f.city("kobe")
    with pytest.raises(WorkflowError) as refused:
        subscribe(c, url)
    assert refused.value.code == "url"
    assert "443" in refused.value.ja and "8443" in refused.value.en
    assert not Subscription.objects.exists()


@override_settings(WEBHOOK_ALLOWED_PORTS=[(80, 80), (443, 443), (8443, 8443)])
@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/hook", "https://127.0.0.1/hook", "https://127.0.0.1:8443/"]
)
def test_the_default_ports_are_accepted(url):
    assert subscribe(f.city("kobe"), url)[0].pk


@override_settings(WEBHOOK_ALLOWED_PORTS=[(443, 443)])
def test_a_receiver_moved_to_a_refused_port_is_not_contacted(eager, django_capture_on_commit_callbacks):
    """The port is checked again at every delivery, as the address is."""
    c = f.city("kobe")
    subscription, _secret = subscribe(c, "https://127.0.0.1/hook")
    Subscription.objects.filter(pk=subscription.pk).update(url="http://127.0.0.1:6379/")
    with django_capture_on_commit_callbacks(execute=True):
        f.decided(c, Outcome.APPROVED)
    delivery = Delivery.objects.get()
    assert delivery.last_status_code is None and "port 6379" in delivery.last_error
