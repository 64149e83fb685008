"""Who may do what in a service's life after approval, and who is told."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.rules import snapshot_of
from kumokan.tenancy.access import has_role, users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Membership

# Those who govern the services of the whole municipality: they order re-checks (Kobe §6.3) and
# open corrective actions; a pack names them with its own titles.
GOVERNING_ROLES = (Role.SECURITY_MANAGER, Role.CHIEF)


def is_member(user: Any, municipality: Any) -> bool:
    """Whether the user holds any role in the municipality (every member may report an incident)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, municipality=municipality).exists()


def governs(user: Any, municipality: Any) -> bool:
    """A security manager or the chief of this municipality."""
    return any(has_role(user, municipality, role) for role in GOVERNING_ROLES)


def overseers(entry: LedgerEntry) -> QuerySet[Any]:
    """Whom an overdue re-check is escalated to: the approver of the entry's track and the chief."""
    municipality = entry.municipality
    pks = set(users_with_role(municipality, Role.CHIEF).values_list("pk", flat=True))
    role = snapshot_of(entry).approver_role
    if role:
        department = entry.department if role == Role.DEPARTMENT_HEAD else None
        pks |= set(users_with_role(municipality, role, department).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=pks).order_by("username")


def governors(municipality: Any) -> QuerySet[Any]:
    """The security managers and the chief: told of incidents, terminations and uncorrectable services."""
    pks: set[int] = set()
    for role in GOVERNING_ROLES:
        pks |= set(users_with_role(municipality, role).values_list("pk", flat=True))
    return get_user_model().objects.filter(pk__in=pks).order_by("username")
