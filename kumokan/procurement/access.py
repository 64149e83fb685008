"""The procurements a person may reach, fetched *for this user* (kumokan.tenancy.permissions has the table)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kumokan.procurement.models import Procurement, ProcurementAnnex
from kumokan.tenancy.models import Department, Membership, Municipality
from kumokan.tenancy.permissions import DEPARTMENT_SCOPED, Capability, granted_roles, scope


def procurements_for(user: Any) -> QuerySet[Procurement]:
    """Those the user's roles reach: their department's, or the whole city's for a city-wide role."""
    if not user.is_authenticated:
        return Procurement.objects.none()
    return Procurement.objects.filter(scope(user, Capability.VIEW_PROCUREMENT)).select_related(
        "municipality", "department"
    )


def procurement_for(user: Any, pk: int) -> Procurement:
    """One procurement the user may see; 404 for any other, so that its existence does not show."""
    return get_object_or_404(procurements_for(user), pk=pk)


def planned_procurement(user: Any, pk: int) -> Procurement:
    """One procurement the user may work on (their department's); 404 for any other."""
    return get_object_or_404(procurements_for(user).filter(scope(user, Capability.PLAN_PROCUREMENT)), pk=pk)


def annex_for(procurement: Procurement, number: int) -> ProcurementAnnex:
    return get_object_or_404(
        ProcurementAnnex.objects.select_related("procurement"), procurement=procurement, number=number
    )


def planning_departments(user: Any, municipality: Municipality) -> QuerySet[Department]:
    """The departments in which the user may plan procurements (all of them for a city-wide role)."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    memberships = Membership.objects.filter(
        user=user,
        municipality=municipality,
        role__in=granted_roles(Capability.PLAN_PROCUREMENT, municipality),
    )
    # As scope() reads the table: a role outside DEPARTMENT_SCOPED, or one held city-wide, reaches every department.
    if memberships.filter(Q(department__isnull=True) | ~Q(role__in=DEPARTMENT_SCOPED)).exists():
        return Department.objects.filter(municipality=municipality).order_by("code")
    return Department.objects.filter(pk__in=memberships.values("department")).order_by("code")


def may_plan(user: Any, municipality: Municipality, department: Department) -> bool:
    return planning_departments(user, municipality).filter(pk=department.pk).exists()
