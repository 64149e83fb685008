"""On approval the service manager is designated by the pack's rule, and holds that role afterwards."""

from __future__ import annotations

import pytest

from kumokan.applications import actions
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.tests import factories as f
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry
from kumokan.notifications.models import Notification
from kumokan.tenancy.access import has_role
from kumokan.tenancy.actions import set_staff_title
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def approve(c: f.City, approver, application, manager=None):  # type: ignore[no-untyped-def]
    actions.decide(
        acting_user=approver,
        application=application,
        outcome=Outcome.APPROVED,
        expected_version=f.fresh(application).version,
        service_manager=manager,
    )
    return LedgerEntry.objects.get(application=application)


def test_applicant_rule_designates_the_applicant() -> None:
    c = f.city("kobe")
    entry = approve(c, c.security_manager, f.submitted(c))
    assert entry.service_manager == c.applicant


def test_approver_rule_designates_the_approver() -> None:
    c = f.city("kitakyushu", overlays=())
    entry = approve(c, c.head, f.submitted(c, high=False))
    assert entry.service_manager == c.head


def test_designated_by_approver_rule_designates_whom_the_approver_names() -> None:
    c = f.city("kitakyushu", overlays=())
    entry = approve(c, c.chief, f.submitted(c), manager=c.head)
    assert entry.service_manager == c.head


def test_designated_by_approver_rule_refuses_approval_without_a_name() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c)
    with pytest.raises(WorkflowError) as refused:
        approve(c, c.chief, application)
    assert refused.value.code == "manager_required"
    assert f.fresh(application).status == Status.SUBMITTED


def test_designated_manager_must_belong_to_the_municipality() -> None:
    c = f.city("kitakyushu", overlays=())
    stranger = f.user("stranger")
    with pytest.raises(WorkflowError) as refused:
        approve(c, c.chief, f.submitted(c), manager=stranger)
    assert refused.value.code == "manager_not_member"


def test_owning_department_head_rule_designates_the_head_of_the_applications_department() -> None:
    c = f.city("amagasaki")
    entry = approve(c, c.approver, f.submitted(c))
    assert entry.service_manager == c.head


def test_owning_department_head_rule_refuses_a_head_of_another_department() -> None:
    c = f.city("amagasaki")
    with pytest.raises(WorkflowError) as refused:
        approve(c, c.approver, f.submitted(c), manager=c.other_head)
    assert refused.value.code == "manager_not_head"


def test_owning_department_head_rule_refuses_when_the_department_has_no_head() -> None:
    c = f.city("amagasaki")
    c.head.memberships.all().delete()
    with pytest.raises(WorkflowError) as refused:
        approve(c, c.approver, f.submitted(c))
    assert refused.value.code == "manager_head_unknown"


def test_unspecified_rule_has_the_approver_name_the_manager() -> None:
    c = f.city("osaka", approver=("デジタル統括室長", Role.APPROVER))
    application = f.submitted(c)
    with pytest.raises(WorkflowError) as refused:
        approve(c, c.approver, application)
    assert refused.value.code == "manager_required"
    entry = approve(c, c.approver, application, manager=c.head)
    assert entry.service_manager == c.head


def test_the_designated_manager_gets_the_service_manager_role_in_the_department() -> None:
    c = f.city("amagasaki")
    assert not has_role(c.head, c.municipality, Role.SERVICE_MANAGER)
    approve(c, c.approver, f.submitted(c))
    assert has_role(c.head, c.municipality, Role.SERVICE_MANAGER, c.department)


def test_the_ledger_leaves_the_managers_title_blank_when_none_is_recorded() -> None:
    c = f.city("kobe")
    entry = approve(c, f.high_track_approver(c), f.submitted(c))
    assert entry.service_manager_title == ""


def test_the_designated_manager_is_notified() -> None:
    c = f.city("amagasaki")
    entry = approve(c, c.approver, f.submitted(c))
    notification = Notification.objects.get(user=c.head)
    assert notification.verb == "designated"
    assert notification.url == entry.get_absolute_url()


def test_the_ledger_copies_the_managers_name_title_and_department() -> None:
    c = f.city("amagasaki")
    set_staff_title(acting_user=SYSTEM, user=c.head, municipality=c.municipality, title="住民課長")
    entry = approve(c, c.approver, f.submitted(c))
    assert entry.service_manager_name == "住民 課長"
    # The person's own title, not the role's (情報セキュリティ責任者 for a department head): issue 17 point 4.
    assert entry.service_manager_title == "住民課長"
    assert entry.service_manager_department_name == "市民局 住民課"
