"""The ledger entries a person may reach, fetched *for this user* (kumokan.core.permissions has the table;
whether one may manage an entry is `can(user, Capability.MANAGE_LEDGER, entry)` there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kumokan.core.permissions import Capability, scope
from kumokan.ledger.models import LedgerEntry


def entries_for(user: Any) -> QuerySet[LedgerEntry]:
    """The entries the user's roles reach, and those they applied for or manage."""
    if not user.is_authenticated:
        return LedgerEntry.objects.none()
    reach = scope(user, Capability.VIEW_LEDGER)
    own = list(own_beyond_reach(user, reach).values_list("pk", flat=True))
    # The municipality is prefetched, not joined: with the join SQLite's planner starts from the
    # municipality and sorts every entry of it for each page (330 ms at 100,000 entries instead of 9 ms;
    # BENCHMARKS.md, "Ledger list"), where without it the list's order index serves the page.
    return (
        LedgerEntry.objects.filter(reach | Q(pk__in=own) if own else reach)
        .select_related("department")
        .prefetch_related("municipality")
    )


def own_beyond_reach(user: Any, reach: Q | None = None) -> QuerySet[LedgerEntry]:
    """The entries the user applied for or manages beyond their roles' reach (`reach`: their scope).

    These few are found through their own indexes and added by id, so that the list keeps the plain
    municipality (and department) conditions its indexes serve; an OR across three columns makes the
    database read every entry (BENCHMARKS.md)."""
    if reach is None:
        reach = scope(user, Capability.VIEW_LEDGER)
    return LedgerEntry.objects.filter(Q(service_manager=user) | Q(applicant=user)).exclude(reach)


def entry_for(user: Any, pk: int) -> LedgerEntry:
    """One entry the user may see; 404 for any other, so that its existence does not show."""
    return get_object_or_404(entries_for(user), pk=pk)
