"""Who decides, per pack and track: the pack's approver role in the applicant's municipality."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications import actions, routing
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def approve(user, application):  # type: ignore[no-untyped-def]
    return actions.decide(
        acting_user=user,
        application=application,
        outcome=Outcome.APPROVED,
        expected_version=f.fresh(application).version,
        service_manager=user,
    )


def test_kobe_high_track_goes_to_the_security_manager() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    snapshot = application.judgment
    assert (snapshot.approver_role, snapshot.approver_title) == ("security_manager", "情報セキュリティ管理者")
    assert list(routing.approvers(application, snapshot)) == [c.security_manager]
    assert not routing.may_decide(c.approver, application, snapshot)
    assert routing.may_decide(c.security_manager, application, snapshot)


def test_kobe_low_track_is_self_approved_on_submit() -> None:
    c = f.city("kobe")
    application = f.fresh(f.submitted(c, high=False))
    assert application.status == Status.APPROVED
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Outcome.APPROVED
    assert decision.decided_by == c.applicant
    assert decision.self_approval is True
    assert decision.approver_title == "情報管理者等"


def test_kobe_low_track_self_approval_creates_the_ledger_entry_managed_by_the_applicant() -> None:
    c = f.city("kobe")
    application = f.submitted(c, high=False)
    entry = LedgerEntry.objects.get(application=application)
    assert entry.service_manager == c.applicant
    assert entry.track == "low"


def test_kobe_low_track_self_approval_notifies_nobody_about_their_own_act() -> None:
    c = f.city("kobe")
    f.submitted(c, high=False)
    assert not Notification.objects.exists()


def test_kitakyushu_high_track_goes_to_the_ciso() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c)
    snapshot = application.judgment
    assert (snapshot.approver_role, snapshot.approver_title) == ("chief", "CISO")
    assert list(routing.approvers(application, snapshot)) == [c.chief]


def test_kitakyushu_low_track_goes_to_the_head_of_the_applicants_department() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c, high=False)
    snapshot = application.judgment
    assert snapshot.approver_role == "department_head"
    assert list(routing.approvers(application, snapshot)) == [c.head]
    assert not routing.may_decide(c.other_head, application, snapshot)


def test_kitakyushu_low_track_head_becomes_the_service_manager() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c, high=False)
    actions.decide(
        acting_user=c.head,
        application=application,
        outcome=Outcome.APPROVED,
        expected_version=f.fresh(application).version,
    )
    assert LedgerEntry.objects.get(application=application).service_manager == c.head


def test_kitakyushu_head_of_another_department_may_not_decide() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c, high=False)
    with pytest.raises(PermissionDenied):
        approve(c.other_head, application)


def test_amagasaki_goes_to_the_approver_role_on_both_tracks() -> None:
    c = f.city("amagasaki")
    for high in (True, False):
        application = f.submitted(c, high=high)
        snapshot = application.judgment
        assert (snapshot.approver_role, snapshot.approver_title) == ("approver", "デジタル推進課長")
        assert list(routing.approvers(application, snapshot)) == [c.approver]


def test_osaka_with_a_configured_approver_goes_to_that_role() -> None:
    c = f.city("osaka", approver=("デジタル統括室長", Role.APPROVER))
    application = f.submitted(c)
    snapshot = application.judgment
    assert (snapshot.approver_role, snapshot.approver_title) == ("approver", "デジタル統括室長")
    assert snapshot.judgment["approver"]["configured"] is True
    assert list(routing.approvers(application, snapshot)) == [c.approver]


def test_osaka_configured_role_other_than_approver_is_followed() -> None:
    c = f.city("osaka", approver=("ICT戦略室長", Role.CHIEF))
    application = f.submitted(c)
    assert list(routing.approvers(application, application.judgment)) == [c.chief]


def test_osaka_without_a_configured_approver_refuses_submit_saying_an_administrator_must_set_it() -> None:
    c = f.city("osaka")
    application = f.draft(c)
    f.answer_all(application)
    with pytest.raises(WorkflowError) as refused:
        actions.submit(acting_user=c.applicant, application=application)
    codes = [p.code for p in refused.value.details]
    assert codes == ["approver_not_configured"]
    assert "システム管理者" in refused.value.ja
    assert f.fresh(application).status == Status.DRAFT


def test_submit_is_refused_when_nobody_holds_the_approver_role() -> None:
    c = f.city("amagasaki")
    c.approver.memberships.all().delete()
    application = f.draft(c)
    f.answer_all(application)
    with pytest.raises(WorkflowError) as refused:
        actions.submit(acting_user=c.applicant, application=application)
    assert [p.code for p in refused.value.details] == ["no_approver"]


def test_submit_notifies_the_approvers() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    notification = Notification.objects.get()
    assert notification.user == c.security_manager
    assert notification.verb == "submitted"
    assert notification.url == application.get_absolute_url()
