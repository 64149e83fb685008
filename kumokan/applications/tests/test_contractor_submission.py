"""Kobe §5.3: a contractor submits the requirement sheet for a service it uses on the city's behalf, and
the commissioning department's 情報管理者等 confirm it, as they would decide any application."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications import actions, routing
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.ledger.models import LedgerEntry
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe() -> f.City:
    return f.city("kobe")


@pytest.fixture
def contractor(kobe: f.City) -> object:
    return f.member(
        kobe.municipality, Role.CONTRACTOR, kobe.department, last_name="指定管理", first_name="株式会社"
    )


def submission(c: f.City, contractor: object, *, high: bool = True, **overrides: object):
    overrides.setdefault("operated_by_contractor", True)
    return f.draft(c, applicant=contractor, high=high, **overrides)


def test_a_contractor_s_draft_is_marked_as_its_submission(kobe: f.City, contractor: object) -> None:
    application = submission(kobe, contractor)
    assert application.submitted_by_contractor is True
    assert application.applicant == contractor
    created = AuditEvent.objects.get(action=Action.APPLICATION_CREATE_DRAFT, target_id=str(application.pk))
    assert created.after["submitted_by_contractor"] is True


def test_staff_applications_are_not_contractor_submissions(kobe: f.City) -> None:
    assert f.draft(kobe, operated_by_contractor=True).submitted_by_contractor is False


def test_a_contractor_submits_only_for_a_service_it_operates(kobe: f.City, contractor: object) -> None:
    with pytest.raises(PermissionDenied):
        submission(kobe, contractor, operated_by_contractor=False)


def test_a_contractor_submits_only_for_the_department_that_commissioned_it(
    kobe: f.City, contractor: object
) -> None:
    with pytest.raises(PermissionDenied):
        submission(kobe, contractor, department=kobe.other_department)


def test_a_city_whose_rules_have_no_contractor_submission_refuses_one() -> None:
    amagasaki = f.city("amagasaki", overlays=())
    contractor = f.member(amagasaki.municipality, Role.CONTRACTOR, amagasaki.department)
    with pytest.raises(PermissionDenied):
        submission(amagasaki, contractor)


def test_a_contractor_may_not_untick_that_it_operates_the_service(kobe: f.City, contractor: object) -> None:
    application = submission(kobe, contractor)
    with pytest.raises(PermissionDenied):
        actions.update_draft(
            acting_user=contractor,
            application=application,
            changes={"facts": f.facts("kobe", operated_by_contractor=False)},
        )


def _submitted(c: f.City, contractor: object, **kwargs: object):
    application = submission(c, contractor, **kwargs)
    f.answer_all(application)
    f.explain_blocking(application)
    return actions.submit(acting_user=contractor, application=application)


def test_a_submission_goes_to_the_department_s_information_managers(kobe: f.City, contractor: object) -> None:
    application = _submitted(kobe, contractor)
    assert application.status == Status.SUBMITTED
    assert Notification.objects.filter(user=kobe.applicant, url=application.get_absolute_url()).exists()
    assert not Notification.objects.filter(user=kobe.security_manager).exists()


def test_a_low_track_submission_is_confirmed_not_self_approved(kobe: f.City, contractor: object) -> None:
    application = _submitted(kobe, contractor, high=False)
    assert application.status == Status.SUBMITTED


def test_only_the_commissioning_department_s_information_managers_confirm(
    kobe: f.City, contractor: object
) -> None:
    application = _submitted(kobe, contractor)
    snapshot = application.judgment
    other_manager = f.member(kobe.municipality, Role.APPLICANT, kobe.other_department)
    assert routing.may_decide(kobe.applicant, application, snapshot)
    assert not routing.may_decide(kobe.security_manager, application, snapshot)
    assert not routing.may_decide(other_manager, application, snapshot)
    assert not routing.may_decide(contractor, application, snapshot)
    with pytest.raises(PermissionDenied):
        actions.decide(
            acting_user=kobe.security_manager,
            application=application,
            outcome=Outcome.APPROVED,
            expected_version=f.fresh(application).version,
        )


def test_confirming_records_the_information_manager_and_makes_them_service_manager(
    kobe: f.City, contractor: object
) -> None:
    application = _submitted(kobe, contractor)
    decision = actions.decide(
        acting_user=kobe.applicant,
        application=application,
        outcome=Outcome.APPROVED,
        expected_version=f.fresh(application).version,
    )
    assert decision.approver_title == "情報管理者等"
    entry = LedgerEntry.objects.get(application=application)
    assert entry.service_manager == kobe.applicant
    assert entry.applicant == contractor
    assert entry.approver_title == "情報管理者等"


def test_a_returned_submission_goes_back_to_the_contractor(kobe: f.City, contractor: object) -> None:
    application = _submitted(kobe, contractor)
    actions.decide(
        acting_user=kobe.applicant,
        application=application,
        outcome=Outcome.RETURNED,
        reason="データの保存場所を記入してください。",
        expected_version=f.fresh(application).version,
    )
    assert f.fresh(application).status == Status.RETURNED
    assert Notification.objects.filter(user=contractor, url=application.get_absolute_url()).exists()
