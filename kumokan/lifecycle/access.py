"""Who may do what in a service's life after approval, and who is told."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from kumokan.ledger.access import entries_for
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.rules import snapshot_of
from kumokan.tenancy.access import staff_members, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership
from kumokan.tenancy.permissions import DEPARTMENT_SCOPED, PERMISSIONS, Capability, can

# Those who govern the services of the whole municipality: the permission table lets them order
# re-checks (Kobe §6.3); they open corrective actions and are told of incidents and terminations. A
# pack names them with its own titles.
GOVERNING_ROLES = PERMISSIONS[Capability.ORDER_RECHECK]


def is_member(user: Any, municipality: Any) -> bool:
    """Whether the user holds any role in the municipality (every member may report an incident)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, municipality=municipality).exists()


def responsible_candidates(municipality: Any) -> QuerySet[Any]:
    """The people a task may be assigned to, and so record it (tasks._require_task_owner), by name as the
    project orders people: the city's own staff (tenancy.access.staff_members, so no contractor: a 委託先's
    work is confirmed by the staff who commissioned it, Kobe §5.3) who act, not one who only audits (the
    auditor checks the work, never does it)."""
    return staff_members(municipality, besides=(Role.AUDITOR,))


def may_be_responsible(user: Any, municipality: Any) -> bool:
    """Whether `user` is among responsible_candidates(municipality)."""
    return responsible_candidates(municipality).filter(pk=user.pk).exists()


def may_correct(user: Any, entry: LedgerEntry) -> bool:
    """Whether the user may open a corrective action on the entry (Kobe §6.2): its service manager, or
    whoever governs the municipality's services (ORDER_RECHECK: a security manager, the chief)."""
    return can(user, Capability.MANAGE_LEDGER, entry) or can(
        user, Capability.ORDER_RECHECK, entry.municipality
    )


def overseers(entry: LedgerEntry) -> list[Any]:
    """Whom an overdue re-check is escalated to and a termination is reported to: the approver of the
    entry's track and the chief, each only if the entry is theirs to see.

    A role that acts for one department (DEPARTMENT_SCOPED: Kobe's low-track approver is the
    情報管理者等 of the service's own department, 5.1.2, 5.2.2②) is asked in the entry's department
    only; and nobody is told of what the link would refuse them (entries_for, the ledger's own rule).
    """
    municipality = entry.municipality
    pks = set(users_with_role(municipality, Role.CHIEF).values_list("pk", flat=True))
    role = snapshot_of(entry).approver_role
    if role:
        holders = Membership.objects.filter(municipality=municipality, role=role)
        if role in DEPARTMENT_SCOPED:
            holders = holders.filter(Q(department=entry.department_id) | Q(department__isnull=True))
        pks |= set(holders.values_list("user", flat=True))
    candidates = get_user_model().objects.filter(pk__in=pks, is_active=True).order_by("username")
    return [user for user in candidates if may_see(user, entry)]


def may_see(user: Any, entry: LedgerEntry) -> bool:
    """Whether the entry's pages open for the user (the ledger's rule: entries_for)."""
    return entries_for(user).filter(pk=entry.pk).exists()


def governors(municipality: Any) -> QuerySet[Any]:
    """The security managers and the chief: told of incidents, terminations and uncorrectable services."""
    pks: set[int] = set()
    for role in GOVERNING_ROLES:
        pks |= set(users_with_role(municipality, role).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=pks).order_by("username")
