"""Direct object references across people of the same municipality: another person's things are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kumokan.api.actions import issue_api_token
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> f.City:
    return f.city("kobe")


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_another_applicants_draft_is_invisible_and_untouchable(city: f.City) -> None:
    draft = f.draft(city)
    other = f.member(city.municipality, Role.APPLICANT, city.other_department)
    client = as_user(other)
    before = AuditEvent.objects.count()

    statuses = {
        "detail": client.get(f"/applications/{draft.pk}/").status_code,
        "edit": client.post(f"/applications/{draft.pk}/edit/", {"version": draft.version}).status_code,
        "checklist": client.post(
            f"/applications/{draft.pk}/checklist/", {"version": draft.version}
        ).status_code,
        "submit": client.post(f"/applications/{draft.pk}/submit/", {"version": draft.version}).status_code,
        "withdraw": client.post(
            f"/applications/{draft.pk}/withdraw/", {"version": draft.version}
        ).status_code,
        "forms": client.get(f"/documents/applications/{draft.pk}/").status_code,
    }

    assert set(statuses.values()) <= {403, 404}, statuses
    assert AuditEvent.objects.count() == before


def test_a_person_who_is_not_the_approver_cannot_decide(city: f.City) -> None:
    application = f.submitted(city)
    client = as_user(city.head)

    response = client.post(
        f"/approvals/{application.pk}/", {"outcome": "approved", "version": application.version}
    )

    assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_service_manager_cannot_change_another_managers_entry(city: f.City) -> None:
    other_applicant = f.member(city.municipality, Role.APPLICANT, city.other_department)
    theirs = f.entry(city, applicant=other_applicant, department=city.other_department)
    mine = f.entry(city, service_name="自分のサービス")
    assert theirs.service_manager != mine.service_manager
    client = as_user(mine.service_manager)
    before = AuditEvent.objects.count()

    edit = client.post(f"/ledger/{theirs.pk}/edit/", {"version": theirs.version})
    retire = client.post(
        f"/ledger/{theirs.pk}/retire/", {"version": theirs.version, "reason": "x", "confirmed": "on"}
    )

    assert edit.status_code in (403, 404)
    assert retire.status_code in (403, 404)
    assert AuditEvent.objects.count() == before


def test_another_persons_notification_and_token_are_404(city: f.City) -> None:
    f.submitted(city)  # notifies the approver
    notification = Notification.objects.exclude(user=city.staff).first()
    assert notification is not None
    token, _ = issue_api_token(acting_user=city.approver, user=city.approver, name="集計")
    client = as_user(city.staff)

    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert client.post(f"/api-tokens/{token.pk}/revoke/").status_code == 404
    notification.refresh_from_db()
    token.refresh_from_db()
    assert notification.read_at is None
    assert token.revoked_at is None


def test_the_api_refuses_another_applicants_draft(city: f.City) -> None:
    draft = f.draft(city)
    other = f.member(city.municipality, Role.APPLICANT, city.other_department)
    _, text = issue_api_token(acting_user=other, user=other, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    assert client.get(f"/api/v1/applications/{draft.pk}").status_code == 404
    response = client.patch(
        f"/api/v1/applications/{draft.pk}",
        {"version": draft.version, "notes": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
