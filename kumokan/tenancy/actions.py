"""Setting up a municipality: its rules, departments, approver setting and who holds which role.

`acting_user=SYSTEM` is kumokan itself (a management command such as `demo`; None is refused); a person must be a
Django superuser (municipalities) or the municipality's administrator (everything else).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, is_system
from kumokan.core.packs import load_pack
from kumokan.errors import WorkflowError, in_both
from kumokan.policy import UnknownPack
from kumokan.tenancy.access import is_staff_member, roles_of
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Membership, Municipality, StaffTitle
from kumokan.tenancy.permissions import Capability, can


def _require_administrator(acting_user: Actor, municipality: Municipality) -> None:
    if is_system(acting_user) or acting_user.is_superuser:
        return
    if not can(acting_user, Capability.ADMINISTER, municipality):
        raise PermissionDenied(_("Only the municipality's system administrator can do this."))


def _check_packs(pack_id: str, overlay_pack_ids: list[str]) -> None:
    try:
        kinds = [load_pack(pack_id).pack.kind] + [load_pack(p).pack.kind for p in overlay_pack_ids]
    except UnknownPack as exc:
        raise WorkflowError(in_both(exc.problems[0].ja, exc.problems[0].en), code="unknown_pack") from exc
    if kinds[0] != "municipality" or any(kind != "overlay" for kind in kinds[1:]):
        raise WorkflowError(
            gettext_lazy("the first pack must be a municipality's and the others overlays"),
            code="pack_kind",
        )


@transaction.atomic
def create_municipality(
    *,
    acting_user: Actor,
    slug: str,
    name: str,
    pack_id: str,
    overlay_pack_ids: list[str] | tuple[str, ...] = (),
) -> Municipality:
    """Register a municipality that judges with `pack_id` and the overlays."""
    if not is_system(acting_user) and not acting_user.is_superuser:
        raise PermissionDenied(_("Only a superuser can register a municipality."))
    overlays = list(overlay_pack_ids)
    _check_packs(pack_id, overlays)
    if Municipality.objects.filter(slug=slug).exists():
        raise WorkflowError(
            gettext_lazy("a municipality with slug '%(slug)s' already exists"),
            code="duplicate",
            params={"slug": slug},
        )
    municipality = Municipality.objects.create(
        slug=slug, name=name, pack_id=pack_id, overlay_pack_ids=overlays
    )
    record(
        acting_user,
        Action.MUNICIPALITY_CREATE,
        municipality,
        None,
        state_of(municipality, "slug", "name", "pack_id", "overlay_pack_ids"),
    )
    return municipality


@transaction.atomic
def configure_approver(
    *, acting_user: Actor, municipality: Municipality, title: str | None, role: str | None
) -> Municipality:
    """Set (or clear, with None) the approver for tracks whose seed names none (Osaka)."""
    _require_administrator(acting_user, municipality)
    if bool(title) != bool(role):
        raise WorkflowError(
            gettext_lazy("give both the approver's title and role, or neither"),
            code="approver_incomplete",
        )
    if role is not None and role not in Role.values:
        raise WorkflowError(gettext_lazy("unknown role '%(role)s'"), code="role", params={"role": role})
    locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
    before = state_of(locked, "configured_approver_title", "configured_approver_role")
    locked.configured_approver_title = title or None
    locked.configured_approver_role = role or None
    after = state_of(locked, "configured_approver_title", "configured_approver_role")
    if before == after:
        raise WorkflowError(
            gettext_lazy("the approver setting is unchanged"),
            code="unchanged",
        )
    locked.save(update_fields=["configured_approver_title", "configured_approver_role"])
    record(acting_user, Action.MUNICIPALITY_CONFIGURE_APPROVER, locked, before, after)
    return locked


@transaction.atomic
def add_department(*, acting_user: Actor, municipality: Municipality, name: str, code: str) -> Department:
    """Add a department (局・課) to the municipality."""
    _require_administrator(acting_user, municipality)
    if Department.objects.filter(municipality=municipality, code=code).exists():
        raise WorkflowError(
            gettext_lazy("a department with code '%(code)s' exists"), code="duplicate", params={"code": code}
        )
    if Department.objects.filter(municipality=municipality, name=name).exists():
        raise WorkflowError(
            gettext_lazy("a department named '%(name)s' exists"), code="duplicate", params={"name": name}
        )
    department = Department.objects.create(municipality=municipality, name=name, code=code)
    record(acting_user, Action.DEPARTMENT_CREATE, department, None, state_of(department, "name", "code"))
    return department


def grant_membership(
    *,
    acting_user: Actor,
    user: Any,
    municipality: Municipality,
    role: str,
    department: Department | None = None,
) -> Membership:
    """Give `user` the role in the municipality (in `department`, or city-wide when None)."""
    with transaction.atomic():
        _require_administrator(acting_user, municipality)
        return _grant(acting_user, user, municipality, Role(role), department)


def ensure_membership(
    *,
    acting_user: Actor,
    user: Any,
    municipality: Municipality,
    role: str,
    department: Department | None = None,
) -> tuple[Membership, bool]:
    """The membership, granted now if missing (used by other actions, which check their own rights).

    Only to the municipality's own staff (tenancy.access.staff_members): an action's side effect never
    brings a person of another municipality (or nobody's) across the tenant boundary, nor widens a
    contractor to a department's role; that takes the administrator's grant_membership.
    Returns (membership, created). Must run inside the calling action's transaction.
    """
    if not is_system(acting_user) and not is_staff_member(user, municipality):
        raise WorkflowError(
            gettext_lazy("the person is not on this municipality's staff"),
            code="not_member",
        )
    existing = Membership.objects.filter(
        user=user, municipality=municipality, role=role, department=department
    ).first()
    if existing is not None:
        return existing, False
    return _grant(acting_user, user, municipality, Role(role), department), True


@transaction.atomic
def revoke_membership(*, acting_user: Actor, membership: Membership) -> None:
    """Take a role away; the audit row keeps who held it."""
    _require_administrator(acting_user, membership.municipality)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    before = state_of(locked, "user", "department", "role")
    record(acting_user, Action.MEMBERSHIP_REVOKE, locked, before, None)
    locked.delete()


@transaction.atomic
def set_staff_title(*, acting_user: Actor, user: Any, municipality: Municipality, title: str) -> None:
    """Record the person's own title (職名) in the municipality; a blank title removes it."""
    _require_administrator(acting_user, municipality)
    # A contractor's person too (a 委託先 prints its own title on Kobe's forms), never someone of no role here.
    if not roles_of(user, municipality):
        raise WorkflowError(gettext_lazy("the person holds no role in this municipality"), code="not_member")
    title = title.strip()
    existing = StaffTitle.objects.select_for_update().filter(user=user, municipality=municipality).first()
    if (existing.title if existing else "") == title:
        return
    before = state_of(existing, "user", "title") if existing else None
    if not title:
        assert existing is not None
        record(acting_user, Action.STAFF_TITLE_SET, existing, before, None)
        existing.delete()
        return
    if existing is None:
        existing = StaffTitle.objects.create(user=user, municipality=municipality, title=title)
    else:
        existing.title = title
        existing.save(update_fields=["title"])
    record(acting_user, Action.STAFF_TITLE_SET, existing, before, state_of(existing, "user", "title"))


def _grant(
    acting_user: Actor, user: Any, municipality: Municipality, role: Role, department: Department | None
) -> Membership:
    if department is not None and department.municipality_id != municipality.pk:
        raise WorkflowError(
            gettext_lazy("the department belongs to another municipality"),
            code="department",
        )
    if Membership.objects.filter(
        user=user, municipality=municipality, role=role, department=department
    ).exists():
        raise WorkflowError(
            gettext_lazy("the user already holds this role there"),
            code="duplicate",
        )
    membership = Membership.objects.create(
        user=user, municipality=municipality, role=role, department=department
    )
    record(
        acting_user,
        Action.MEMBERSHIP_GRANT,
        membership,
        None,
        state_of(membership, "user", "department", "role"),
    )
    return membership
