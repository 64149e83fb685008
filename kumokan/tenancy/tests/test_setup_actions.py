"""Setting up a municipality: each step audited, refused to those who may not."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.core.actors import SYSTEM
from kumokan.errors import WorkflowError
from kumokan.tenancy import actions
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_create_municipality_checks_the_packs_and_is_audited() -> None:
    municipality = actions.create_municipality(
        acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe", overlay_pack_ids=["special-terms"]
    )
    assert municipality.pack_ids() == ["kobe", "special-terms"]
    event = AuditEvent.objects.get(action="municipality.create")
    assert event.actor is None and event.actor_name == "system"
    assert event.after["overlay_pack_ids"] == ["special-terms"]


@pytest.mark.parametrize(
    ("pack_id", "overlays"), [("nowhere", []), ("special-terms", []), ("kobe", ["osaka"])]
)
def test_create_municipality_refuses_unknown_or_misplaced_packs(pack_id: str, overlays: list[str]) -> None:
    with pytest.raises(WorkflowError):
        actions.create_municipality(
            acting_user=SYSTEM, slug="x", name="x", pack_id=pack_id, overlay_pack_ids=overlays
        )


def test_only_a_superuser_creates_municipalities() -> None:
    with pytest.raises(PermissionDenied):
        actions.create_municipality(acting_user=f.user(), slug="kobe", name="神戸市", pack_id="kobe")


def test_configure_approver_sets_both_title_and_role_and_is_audited() -> None:
    c = f.city("osaka")
    municipality = actions.configure_approver(
        acting_user=c.administrator, municipality=c.municipality, title="デジタル統括室長", role=Role.APPROVER
    )
    assert municipality.configured_approver == "デジタル統括室長"
    event = AuditEvent.objects.get(action="municipality.configure_approver")
    assert event.before == {"configured_approver_title": None, "configured_approver_role": None}
    assert event.after == {
        "configured_approver_title": "デジタル統括室長",
        "configured_approver_role": "approver",
    }


def test_configure_approver_refuses_half_a_setting_and_a_non_administrator() -> None:
    c = f.city("osaka")
    with pytest.raises(WorkflowError):
        actions.configure_approver(
            acting_user=c.administrator, municipality=c.municipality, title="室長", role=None
        )
    with pytest.raises(PermissionDenied):
        actions.configure_approver(
            acting_user=c.approver, municipality=c.municipality, title="室長", role=Role.APPROVER
        )


def test_grant_and_revoke_membership_are_audited() -> None:
    c = f.city("kobe")
    person = f.user()
    membership = actions.grant_membership(
        acting_user=c.administrator,
        user=person,
        municipality=c.municipality,
        role=Role.STAFF,
        department=c.department,
    )
    actions.revoke_membership(acting_user=c.administrator, membership=membership)
    assert AuditEvent.objects.get(action="membership.grant").after["user"] == person.pk
    assert AuditEvent.objects.get(action="membership.revoke").before["role"] == "staff"
    assert not person.memberships.exists()


def test_granting_a_role_twice_is_refused() -> None:
    c = f.city("kobe")
    with pytest.raises(WorkflowError) as refused:
        actions.grant_membership(
            acting_user=c.administrator, user=c.chief, municipality=c.municipality, role=Role.CHIEF
        )
    assert refused.value.code == "duplicate"


def test_add_department_refuses_a_duplicate_code() -> None:
    c = f.city("kobe")
    with pytest.raises(WorkflowError):
        actions.add_department(
            acting_user=c.administrator, municipality=c.municipality, name="別名", code="jumin"
        )
