"""The ledger entries a person may reach, fetched *for this user* (kumokan.tenancy.permissions has the table;
whether one may manage an entry is `can(user, Capability.MANAGE_LEDGER, entry)` there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.permissions import Capability, scope


def entries_for(user: Any) -> QuerySet[LedgerEntry]:
    """The entries the user's roles reach, and those they applied for or manage."""
    if not user.is_authenticated:
        return LedgerEntry.objects.none()
    reach = scope(user, Capability.VIEW_LEDGER)
    own = own_ids_beyond_reach(user, reach)
    # The municipality is prefetched, not joined: with the join SQLite's planner starts from the
    # municipality and sorts every entry of it for each page (330 ms at 100,000 entries instead of 9 ms;
    # BENCHMARKS.md, "Ledger list"), where without it the list's order index serves the page.
    return (
        LedgerEntry.objects.filter(reach | Q(pk__in=own) if own else reach)
        .select_related("department")
        .prefetch_related("municipality")
    )


def own_beyond_reach(user: Any, reach: Q | None = None) -> QuerySet[LedgerEntry]:
    """The entries the user applied for or manages beyond their roles' reach (`reach`: their scope)."""
    own = own_ids_beyond_reach(user, reach)
    # Without any, a query that finds none rather than none at all: a page asks the same number of
    # questions whatever the data (lifecycle/tests/test_dashboard.py).
    return LedgerEntry.objects.filter(pk__in=own) if own else LedgerEntry.objects.filter(pk__isnull=True)


def own_ids_beyond_reach(user: Any, reach: Q | None = None) -> list[int]:
    """The ids of the entries the user applied for or manages beyond their roles' reach.

    These few are found through their own indexes and added by id, so that the list keeps the plain
    municipality (and department) conditions its indexes serve; an OR across three columns makes the
    database read every entry (BENCHMARKS.md). One query per column, not one OR of both: each is then
    read from its index alone (`ledger_entry_own_manager_idx`, `…_own_applicant_idx`), where PostgreSQL
    answers an OR by a bitmap of both indexes and reads every row the person manages (41,640 rows for a
    manager at a million entries: 205 ms, instead of ~10 ms).
    """
    if reach is None:
        reach = scope(user, Capability.VIEW_LEDGER)
    found: list[int] = []
    for mine in (Q(service_manager=user), Q(applicant=user)):
        found += LedgerEntry.objects.filter(mine).exclude(reach).order_by().values_list("pk", flat=True)
    return sorted(set(found))


def entry_for(user: Any, pk: int) -> LedgerEntry:
    """One entry the user may see; 404 for any other, so that its existence does not show."""
    return get_object_or_404(entries_for(user), pk=pk)
