"""Deciding: what approve, reject and return record, and every refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications import actions
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.errors import ConflictError, WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

pytestmark = pytest.mark.django_db


def decide(user, application, outcome=Outcome.APPROVED, reason="", version=None):  # type: ignore[no-untyped-def]
    return actions.decide(
        acting_user=user,
        application=application,
        outcome=outcome,
        reason=reason,
        expected_version=f.fresh(application).version if version is None else version,
    )


def test_approval_records_the_decision_on_the_version_and_judgment_seen() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    seen = f.fresh(application)
    decision = decide(c.security_manager, application)
    assert decision.outcome == Outcome.APPROVED
    assert decision.decided_by == c.security_manager
    assert decision.self_approval is False
    assert decision.approver_title == "情報セキュリティ管理者"
    assert decision.application_version == seen.version
    assert decision.snapshot == seen.judgment
    assert f.fresh(application).status == Status.APPROVED


def test_approval_creates_the_ledger_entry_from_the_judged_facts() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    decide(c.security_manager, application)
    entry = LedgerEntry.objects.get(application=application)
    assert entry.status == EntryStatus.APPROVED
    assert (entry.service_name, entry.provider_name) == ("電子申請サービス", "株式会社クラウド自治")
    assert (entry.classification_code, entry.classification_label, entry.track) == ("2", "機密性2", "high")
    assert (entry.applicant_name, entry.applicant_department_name) == ("申請 花子", "市民局 住民課")
    assert entry.approver_title == "情報セキュリティ管理者"
    assert entry.user_scope == "organisation"


def test_approval_notifies_the_applicant() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    decide(c.security_manager, application)
    assert Notification.objects.filter(user=c.applicant, verb="approved").count() == 1


def test_rejection_records_the_reason_and_notifies_the_applicant() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    decision = decide(c.security_manager, application, Outcome.REJECTED, "国外に保存されるため")
    assert decision.reason == "国外に保存されるため"
    assert f.fresh(application).status == Status.REJECTED
    assert not LedgerEntry.objects.exists()
    notification = Notification.objects.get(user=c.applicant)
    assert notification.verb == "rejected"
    assert "国外に保存されるため" in notification.text


def test_return_notifies_the_applicant_and_may_happen_again_after_resubmission() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    decide(c.security_manager, application, Outcome.RETURNED, "利用期間を記入してください")
    actions.resubmit(acting_user=c.applicant, application=application)
    decide(c.security_manager, application, Outcome.RETURNED, "利用者の範囲を具体的に")
    assert Decision.objects.filter(application=application, outcome=Outcome.RETURNED).count() == 2
    assert Notification.objects.filter(user=c.applicant, verb="returned").count() == 2


@pytest.mark.parametrize("outcome", [Outcome.REJECTED, Outcome.RETURNED])
def test_reject_and_return_require_a_reason(outcome: Outcome) -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    with pytest.raises(WorkflowError) as refused:
        decide(c.security_manager, application, outcome, "   ")
    assert refused.value.code == "reason_required"
    assert not Decision.objects.exists()


def test_decide_refuses_the_wrong_role() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    for user in (c.applicant, c.head, c.approver, c.chief, c.administrator):
        with pytest.raises(PermissionDenied):
            decide(user, application)
    assert not Decision.objects.exists()


def test_decide_refuses_the_approver_of_another_municipality() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    other = f.city("amagasaki")
    Membership.objects.create(
        user=other.approver, municipality=other.municipality, role=Role.SECURITY_MANAGER
    )
    with pytest.raises(PermissionDenied):
        decide(other.approver, application)


def test_decide_refuses_a_department_head_of_another_department() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c, high=False)
    with pytest.raises(PermissionDenied):
        decide(c.other_head, application)


def test_decide_refuses_an_approver_deciding_their_own_application() -> None:
    c = f.city("kobe")
    Membership.objects.create(
        user=c.security_manager, municipality=c.municipality, department=c.department, role=Role.APPLICANT
    )
    f.member(c.municipality, Role.SECURITY_MANAGER)
    application = f.submitted(c, applicant=c.security_manager)
    with pytest.raises(PermissionDenied):
        decide(c.security_manager, application)


def test_decide_refuses_an_application_in_the_wrong_state() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        decide(c.security_manager, application)
    assert refused.value.code == "invalid_transition"


def test_decide_refuses_a_stale_version_with_a_conflict() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    stale = f.fresh(application).version - 1
    with pytest.raises(ConflictError) as refused:
        decide(c.security_manager, application, version=stale)
    assert "他の人が先に更新しました" in refused.value.ja
    assert not Decision.objects.exists()


def test_the_second_of_two_decisions_on_the_same_version_gets_a_conflict() -> None:
    c = f.city("kobe")
    other_manager = f.member(c.municipality, Role.SECURITY_MANAGER)
    application = f.submitted(c)
    version = f.fresh(application).version
    decide(c.security_manager, application, version=version)
    with pytest.raises(ConflictError):
        decide(other_manager, application, Outcome.REJECTED, "不可", version=version)
    assert Decision.objects.filter(application=application).count() == 1


def test_the_database_allows_one_final_decision_per_application() -> None:
    from django.db import IntegrityError, transaction

    c = f.city("kobe")
    application = f.submitted(c)
    decision = decide(c.security_manager, application)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            application=application,
            outcome=Outcome.REJECTED,
            reason="二重",
            decided_by=c.security_manager,
            approver_title="x",
            application_version=1,
            snapshot=decision.snapshot,
        )


def test_decide_refuses_an_unknown_outcome() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    with pytest.raises(WorkflowError) as refused:
        decide(c.security_manager, application, "maybe")
    assert refused.value.code == "outcome"


def test_naming_a_manager_is_refused_unless_approving() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    with pytest.raises(WorkflowError) as refused:
        actions.decide(
            acting_user=c.security_manager,
            application=application,
            outcome=Outcome.RETURNED,
            reason="補正",
            expected_version=f.fresh(application).version,
            service_manager=c.head,
        )
    assert refused.value.code == "manager_not_expected"
