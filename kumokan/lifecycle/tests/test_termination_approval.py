"""Kobe §7.1①: the service manager applies to the 情報セキュリティ管理者 to stop using a 機密性２以上
service, and the information and accounts are disposed of (④⑤) only after that approval; §7.2 (the
other track) asks for none. The rule is the pack's (kobe.yaml workflow.termination_approved_by)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.termination import (
    approve_termination,
    confirm_accounts,
    record_disposal,
    record_termination_plan,
    request_termination,
    termination_approvers,
)
from kumokan.lifecycle.choices import AccountOutcome, DisposalMethod, TerminationStep
from kumokan.lifecycle.models import Termination
from kumokan.lifecycle.tests.factories import city, in_operation, member, reload
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def requested(slug: str = "kobe", **facts):  # type: ignore[no-untyped-def]
    c = city(slug)
    e = in_operation(c, **facts)
    return (
        c,
        e,
        request_termination(acting_user=e.service_manager, entry=e, reason="後継システムへ移行"),
    )


def dispose(e, termination):  # type: ignore[no-untyped-def]
    return record_disposal(
        acting_user=e.service_manager,
        termination=termination,
        method=DisposalMethod.CRYPTO_ERASE,
        key_backups_deleted=True,
        note="暗号鍵とそのバックアップを削除した。",
    )


def test_a_high_track_termination_in_kobe_needs_the_security_managers_approval_citing_7_1() -> None:
    c, _e, termination = requested()
    assert termination.approval_required is True
    assert termination.approval_basis["title"] == "情報セキュリティ管理者"
    assert termination.approval_basis["source"] == {"file": "003_458251fa9e15d94e.txt", "clause": "7.1①"}
    assert list(termination_approvers(termination)) == [c.security_manager]
    request_row = AuditEvent.objects.get(action=Action.LIFECYCLE_TERMINATION_REQUEST)
    assert request_row.after["approval_required"] is True


def test_disposal_before_the_approval_is_refused_citing_the_clause_and_nothing_is_written() -> None:
    _c, e, termination = requested()
    with pytest.raises(WorkflowError) as refused:
        dispose(e, termination)
    assert refused.value.code == "termination_not_approved"
    assert "情報セキュリティ管理者" in refused.value.ja and "7.1①" in refused.value.ja
    assert "7.1①" in refused.value.en and "approved" in refused.value.en
    with pytest.raises(WorkflowError):
        confirm_accounts(
            acting_user=e.service_manager,
            termination=termination,
            step=TerminationStep.USER_ACCOUNTS,
            outcome=AccountOutcome.DELETED,
        )
    fresh = reload(termination)
    assert fresh.disposal_recorded_at is None and fresh.user_accounts_at is None
    assert not AuditEvent.objects.filter(action=Action.LIFECYCLE_TERMINATION_STEP).exists()


def test_the_plan_and_the_notice_may_be_prepared_while_the_approval_is_awaited() -> None:
    _c, e, termination = requested()
    record_termination_plan(acting_user=e.service_manager, termination=termination, text="移行計画")
    assert reload(termination).plan_recorded_at is not None


def test_the_security_manager_approves_and_then_the_disposal_is_recorded_with_its_audit_rows() -> None:
    c, e, termination = requested()
    approved = approve_termination(
        acting_user=c.security_manager, termination=termination, note="移行先を確認した。"
    )
    assert approved.approved_by == c.security_manager and approved.approved_at is not None
    row = AuditEvent.objects.get(action=Action.LIFECYCLE_TERMINATION_STEP, actor=c.security_manager)
    assert row.after["step"] == "approval" and row.after["approval_note"] == "移行先を確認した。"
    assert row.before["approved_at"] is None
    assert dispose(e, approved).disposal_recorded_at is not None


@pytest.mark.parametrize("who", ["service_manager", "chief", "applicant", "administrator"])
def test_nobody_but_the_security_manager_approves(who: str) -> None:
    c, e, termination = requested()
    person = e.service_manager if who == "service_manager" else getattr(c, who)
    with pytest.raises(PermissionDenied):
        approve_termination(acting_user=person, termination=termination)
    assert reload(termination).approved_at is None


def test_a_service_manager_who_is_also_a_security_manager_does_not_approve_their_own_application() -> None:
    c = city("kobe")
    e = in_operation(c)
    manager = e.service_manager
    Membership.objects.create(user=manager, municipality=c.municipality, role=Role.SECURITY_MANAGER)
    termination = request_termination(acting_user=manager, entry=e, reason="移行")
    with pytest.raises(PermissionDenied):
        approve_termination(acting_user=manager, termination=termination)
    assert list(termination_approvers(termination)) == [c.security_manager]


def test_a_security_manager_of_another_city_does_not_approve() -> None:
    _c, _e, termination = requested()
    other = city("amagasaki")
    stranger = member(other.municipality, Role.SECURITY_MANAGER)
    with pytest.raises(PermissionDenied):
        approve_termination(acting_user=stranger, termination=termination)


def test_an_approval_is_given_once() -> None:
    c, _e, termination = requested()
    approve_termination(acting_user=c.security_manager, termination=termination)
    with pytest.raises(WorkflowError) as refused:
        approve_termination(acting_user=c.security_manager, termination=termination)
    assert refused.value.code == "already_approved"


@pytest.mark.parametrize(("slug", "high"), [("kobe", False), ("amagasaki", True)])
def test_no_approval_where_the_pack_asks_none(slug: str, high: bool) -> None:
    # Kobe §7.2 (機密性２以上を取り扱わない) asks only for the ledger status; Amagasaki's pack names no approval.
    c, e, termination = requested(slug, high=high)
    assert termination.approval_required is False and termination.approval_basis == {}
    with pytest.raises(WorkflowError) as refused:
        approve_termination(acting_user=c.security_manager, termination=termination)
    assert refused.value.code == "approval_not_required"
    record_disposal(
        acting_user=e.service_manager,
        termination=termination,
        method=DisposalMethod.CRYPTO_ERASE,
        key_backups_deleted=True,
        note="削除した。",
    )


def test_the_approval_is_an_open_step_until_given() -> None:
    _c, _e, termination = requested()
    assert reload(termination).open_steps()[0] == TerminationStep.APPROVAL


def test_the_database_refuses_a_disposal_written_around_the_action() -> None:
    _c, _e, termination = requested()
    with pytest.raises(IntegrityError), transaction.atomic():
        Termination.objects.filter(pk=termination.pk).update(
            disposal_method=DisposalMethod.CRYPTO_ERASE,
            key_backups_deleted=True,
            disposal_recorded_at=timezone.now(),
        )


# ── the page ────────────────────────────────────────────────────────────────────────────────────


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_service_manager_sees_the_application_awaiting_approval_and_no_approve_button() -> None:
    _c, e, _termination = requested()
    page = _client(e.service_manager).get(f"/lifecycle/entries/{e.pk}/termination/").content.decode()
    assert 'id="approval-status"' in page and "承認待ち" in page
    assert "7.1①" in page
    assert 'id="step-approval"' not in page


def test_the_security_manager_approves_on_the_page() -> None:
    c, e, termination = requested()
    client = _client(c.security_manager)
    page = client.get(f"/lifecycle/entries/{e.pk}/termination/").content.decode()
    assert 'id="step-approval"' in page
    response = client.post(
        f"/lifecycle/entries/{e.pk}/termination/approval/", {"approval-note": "移行先を確認した。"}
    )
    assert response.status_code == 302
    fresh = reload(termination)
    assert fresh.approved_by == c.security_manager and fresh.approval_note == "移行先を確認した。"


def test_the_approval_page_refuses_get_and_others() -> None:
    c, e, termination = requested()
    url = f"/lifecycle/entries/{e.pk}/termination/approval/"
    assert _client(c.security_manager).get(url).status_code == 405
    assert _client(e.service_manager).post(url, {}).status_code == 403
    assert _client(c.chief).post(url, {}).status_code == 403
    assert reload(termination).approved_at is None


def test_the_disposal_form_before_the_approval_shows_the_clause_in_japanese_and_english() -> None:
    _c, e, termination = requested()
    data = {"disposal-method": "crypto_erase", "disposal-key_backups_deleted": "on", "disposal-note": "削除"}
    url = f"/lifecycle/entries/{e.pk}/termination/disposal/"
    client = _client(e.service_manager)
    japanese = client.post(url, data)
    assert japanese.status_code == 400 and "7.1①" in japanese.content.decode()
    assert "情報セキュリティ管理者が利用中止の申請を承認した後" in japanese.content.decode()
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        english.status_code == 400
        and "only after the 情報セキュリティ管理者 has approved" in english.content.decode()
    )
    assert reload(termination).disposal_recorded_at is None
