"""The ledger's stored counts (EntryCount): kept by the ledger's actions, read by the dashboard.

One owner: every change of an entry's municipality, department, status, track or classification goes
through the ledger's actions in kumokan.lifecycle.actions.entries (build_entries for new entries, the status
steps), which call `added` and `moved` in their own transaction. The change is an upsert that adds to the stored number
(`entries = entries + delta`), so concurrent actions on PostgreSQL serialise on the row instead of
losing an update; keys are written in a fixed order so that two actions never wait on each other's rows.
`recount` (manage.py recount_ledger) counts the entries again and repairs any drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q

from kumokan.ledger.access import own_beyond_reach
from kumokan.ledger.models import EntryCount, LedgerEntry
from kumokan.tenancy.permissions import Capability, departments_reached, municipalities_granting

# municipality, department, status, track, classification code
Key = tuple[int, int, str, str, str]
KEY_COLUMNS = ("municipality_id", "department_id", "status", "track", "classification_code")


def key_of(entry: LedgerEntry, status: str | None = None) -> Key:
    return (
        entry.municipality_id,
        entry.department_id,
        status or entry.status,
        entry.track,
        entry.classification_code,
    )


def added(entries: Iterable[LedgerEntry]) -> None:
    """New entries (kumokan.lifecycle.actions.entries.build_entries)."""
    adjust(Counter(key_of(entry) for entry in entries))


def moved(entry: LedgerEntry, before: str) -> None:
    """`entry` changed from status `before` to its status now (the ledger's steps)."""
    deltas: Counter[Key] = Counter()
    deltas[key_of(entry, before)] -= 1
    deltas[key_of(entry)] += 1
    adjust(deltas)


def adjust(deltas: Mapping[Key, int]) -> None:
    """Add each delta to its stored count, creating the row if need be, in one statement."""
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    table = EntryCount._meta.db_table
    columns = ", ".join(KEY_COLUMNS)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [value for key, n in rows for value in (*key, n)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, entries) VALUES {values} "  # noqa: S608 (our table)
            f"ON CONFLICT ({columns}) DO UPDATE SET entries = {table}.entries + excluded.entries",
            params,
        )


def stored(municipality: Any, departments: set[int] | None) -> list[tuple[str, str, str, int, int]]:
    """(status, track, classification code, department id, entries) of the municipality, of only
    `departments` unless None: the stored counts, without the empty ones."""
    rows = EntryCount.objects.filter(municipality=municipality, entries__gt=0)
    if departments is not None:
        rows = rows.filter(department_id__in=departments)
    return list(rows.values_list("status", "track", "classification_code", "department_id", "entries"))


def visible(user: Any, municipality: Any = None) -> list[tuple[str, str, str, int, int]]:
    """(status, track, classification code, department id, entries) of the entries `user` may see (as
    kumokan.ledger.access.entries_for has them), in one municipality or all: the stored counts of the
    departments their roles reach, or of the whole municipality, plus the few entries they applied for
    or manage beyond it, counted."""
    towns = (
        [municipality] if municipality is not None else municipalities_granting(user, Capability.VIEW_LEDGER)
    )
    rows = []
    for town in towns:
        rows += stored(town, departments_reached(user, Capability.VIEW_LEDGER, town))
    own = own_beyond_reach(user)
    return rows + counted(own if municipality is None else own.filter(municipality=municipality))


def counted(entries: Any) -> list[tuple[str, str, str, int, int]]:
    """The same numbers counted from `entries` (a few, or every one to recount)."""
    return list(
        entries.order_by()
        .values_list("status", "track", "classification_code", "department_id")
        .annotate(n=Count("pk"))
    )


def recount(municipality: Any = None, *, repair: bool = True) -> dict[Key, tuple[int, int]]:
    """Count the entries again (of one municipality, or all) and, with `repair`, store what was found.

    Returns the drift: each key whose stored count differs, with (stored, counted). Holds the table
    against the actions meanwhile (PostgreSQL: an EXCLUSIVE lock, which the actions' upserts wait for;
    SQLite: the write lock, taken first), so that no change falls between the count and the repair."""
    where = Q() if municipality is None else Q(municipality=municipality)
    with transaction.atomic():
        table = EntryCount._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            else:
                cursor.execute(f"UPDATE {table} SET entries = entries WHERE 1 = 0")  # noqa: S608
        fresh: dict[Key, int] = {
            row[:5]: row[5]
            for row in LedgerEntry.objects.filter(where)
            .order_by()
            .values_list(*KEY_COLUMNS)
            .annotate(n=Count("pk"))
        }
        kept = {
            row[:5]: row[5] for row in EntryCount.objects.filter(where).values_list(*KEY_COLUMNS, "entries")
        }
        drift = {
            key: (kept.get(key, 0), fresh.get(key, 0))
            for key in kept.keys() | fresh.keys()
            if kept.get(key, 0) != fresh.get(key, 0)
        }
        if repair and drift:
            adjust({key: now - before for key, (before, now) in drift.items()})
    return drift
