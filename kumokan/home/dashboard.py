"""What each person sees first: their open work, what is overdue, and the state of the municipality's services.

The due items are lifecycle's (kumokan.lifecycle.due), shared with the personal iCalendar feed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone

from kumokan.ledger import counts as ledger_counts
from kumokan.ledger.access import entries_for
from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
from kumokan.lifecycle.choices import CorrectiveStatus, IncidentStatus, OrderStatus, RecheckStatus, TaskStatus
from kumokan.lifecycle.due import ENTRY_NAME, RECHECK_IN_BRIEF, DueItem, as_due_items
from kumokan.lifecycle.models import ChecklistTask, CorrectiveAction, Incident, Recheck, RecheckOrder
from kumokan.tenancy.access import has_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department
from kumokan.tenancy.vocabulary import classification_labels

# Roles that oversee every service of the municipality: they see everything overdue and coming due.
OVERSEEING_ROLES = (Role.SECURITY_MANAGER, Role.CHIEF, Role.APPROVER, Role.AUDITOR, Role.ADMINISTRATOR)


COMING_DUE_DAYS = 60


# The overdue and coming-due lists stay readable: the earliest items, and how many more there are.
LIST_LIMIT = 15


# 「他 N 件」 opens the whole list of its section (?all=overdue), still bounded for a shared deployment.
FULL_LIST_LIMIT = 1000


DUE_SECTIONS = ("overdue", "coming_due")


# Sections of the person's own work listed whole on request (「すべて表示」), else their first LIST_LIMIT.
MY_SECTIONS = ("my_services", "my_rechecks")


# A person's own open checklist tasks read for the dashboard (grouped by service; the rest are counted).
MY_TASKS_LIMIT = 200


def certifications_coming_due(municipality: Any, until: datetime.date) -> list[DueItem]:
    """Hook for the certification register (ISMAP, ISO/IEC 27001 …), which arrives in a later issue:
    return its registrations expiring by `until` as DueItems and the dashboard lists them with the re-checks.
    """
    return []


def dashboard_for(user: Any, municipality: Any, full: str | None = None, page: int = 1) -> dict[str, Any]:
    """The dashboard; `full` names a due section (DUE_SECTIONS) to list whole instead of its earliest,
    FULL_LIST_LIMIT items a page (`page`, from 1)."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=COMING_DUE_DAYS)
    oversees = any(has_role(user, municipality, role) for role in OVERSEEING_ROLES)
    # A shared deployment has tens of thousands of open items: they are counted and only the earliest
    # of each kind are read, in the database, for everyone (BENCHMARKS.md, "Dashboard").
    watcher = None if oversees else user
    my_rechecks = Recheck.objects.filter(
        entry__service_manager=user, municipality=municipality, status=RecheckStatus.OPEN
    )
    return {
        "municipality": municipality,
        "today": today,
        "oversees": oversees,
        **_my_services(user, municipality, horizon, whole=full == "my_services"),
        "my_rechecks": _first(
            my_rechecks.select_related("entry")
            .only(*RECHECK_IN_BRIEF, "due_date", *ENTRY_NAME)
            .order_by("due_date", "pk"),
            whole=full == "my_rechecks",
            offset=(page - 1) * FULL_LIST_LIMIT if full == "my_rechecks" else 0,
        ),
        "my_corrective": CorrectiveAction.objects.filter(
            owner=user, entry__municipality=municipality, status=CorrectiveStatus.OPEN
        ).select_related("entry"),
        "my_incidents": Incident.objects.filter(entry__service_manager=user, entry__municipality=municipality)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("entry"),
        "open_orders": RecheckOrder.objects.filter(municipality=municipality, status=OrderStatus.OPEN)
        if oversees
        else RecheckOrder.objects.none(),
        "full": full if full in (*DUE_SECTIONS, *MY_SECTIONS) else None,
        "next_page": page + 1,
        "overdue": _earliest(
            municipality,
            watcher,
            before=today,
            limit=FULL_LIST_LIMIT if full == "overdue" else LIST_LIMIT,
            offset=(page - 1) * FULL_LIST_LIMIT if full == "overdue" else 0,
        ),
        "coming_due": _earliest(
            municipality,
            watcher,
            since=today,
            until=horizon,
            extra=certifications_coming_due(municipality, horizon),
            limit=FULL_LIST_LIMIT if full == "coming_due" else LIST_LIMIT,
            offset=(page - 1) * FULL_LIST_LIMIT if full == "coming_due" else 0,
        ),
        **_service_counts(municipality, user),
    }


def _first(rows: QuerySet[Any], *, whole: bool, offset: int = 0) -> dict[str, Any]:
    """The first LIST_LIMIT of `rows` (FULL_LIST_LIMIT after `offset` when the whole section was asked
    for, a page of it), their count and how many more there are after them."""
    limit = FULL_LIST_LIMIT if whole else LIST_LIMIT
    items = list(rows[offset : offset + limit])
    count = offset + len(items) if len(items) < limit else rows.count()
    return {"items": items, "count": count, "more": max(0, count - offset - len(items))}


def _my_services(user: Any, municipality: Any, horizon: datetime.date, *, whole: bool) -> dict[str, Any]:
    """The user's open checklist tasks grouped by service, the services of the earliest first: those due
    by `horizon` (or overdue) shown, the rest (due later or undated) for folding away, and each listed
    service's whole count of open tasks. The first LIST_LIMIT services, or (`whole`) every service among
    the first MY_TASKS_LIMIT tasks; `more_services` says whether any are left out."""
    mine = ChecklistTask.objects.filter(
        responsible=user,
        status=TaskStatus.OPEN,
        municipality=municipality,
        entry_status__in=ACTIVE_STATUSES,
    )
    tasks = list(
        mine.select_related("entry")
        .only("text", "text_en", "due_date", "required_before_operation", "position", *ENTRY_NAME)
        # Undated items last on both databases (SQLite puts NULL first, PostgreSQL last).
        .order_by(F("due_date").asc(nulls_last=True), "entry__service_name", "position")[:MY_TASKS_LIMIT]
    )
    services: dict[int, dict[str, Any]] = {}
    for task in tasks:
        if task.entry_id not in services and len(services) == LIST_LIMIT and not whole:
            continue
        group = services.setdefault(task.entry_id, {"entry": task.entry, "due": [], "later": []})
        due = task.due_date is not None and task.due_date <= horizon
        group["due" if due else "later"].append(task)
    listed = [task for group in services.values() for task in group["due"] + group["later"]]
    # Counted for the listed services only: a manager of thousands has tens of thousands of open items.
    counts = dict(
        mine.filter(entry__in=list(services)).order_by().values_list("entry").annotate(n=Count("pk"))
    )
    for group in services.values():
        group["count"] = counts.get(group["entry"].pk, 0)
        group["unlisted"] = group["count"] - len(group["due"]) - len(group["later"])
    # More services than listed: some of the tasks read were left out, or there may be tasks beyond them.
    more = len(listed) < len(tasks) or len(tasks) == MY_TASKS_LIMIT
    return {"my_tasks": listed, "my_services": list(services.values()), "more_services": more}


def _earliest(
    municipality: Any,
    watcher: Any,
    *,
    before: datetime.date | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    extra: Sequence[DueItem] = (),
    limit: int = LIST_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """The open items due in the range, of the municipality (or only the watcher's own, when one is given):
    their count and the earliest `limit` of them after the first `offset` (a page of a whole section)."""

    def dated(field: str) -> dict[str, datetime.date]:
        bounds = {"lt": before, "gte": since, "lte": until}
        return {f"{field}__{lookup}": day for lookup, day in bounds.items() if day is not None}

    # By the copies of the entry's municipality and status on each item (CopiesOfEntry): the counts are
    # ranges of the items' partial indexes, with no entry read.
    tasks = ChecklistTask.objects.filter(
        municipality=municipality,
        status=TaskStatus.OPEN,
        entry_status__in=ACTIVE_STATUSES,
        due_date__isnull=False,
        **dated("due_date"),
    )
    rechecks = Recheck.objects.filter(
        municipality=municipality, status=RecheckStatus.OPEN, **dated("due_date")
    )
    corrective = CorrectiveAction.objects.filter(
        entry__municipality=municipality, status=CorrectiveStatus.OPEN, **dated("deadline")
    )
    if watcher is not None:
        tasks = tasks.filter(responsible=watcher)
        rechecks = rechecks.filter(entry__service_manager=watcher)
        corrective = corrective.filter(owner=watcher)
    kinds = ((tasks, "due_date"), (rechecks, "due_date"), (corrective, "deadline"))
    count = sum(kind.count() for kind, _ in kinds) + len(extra)
    first = [kind.order_by(order, "pk")[: offset + limit] for kind, order in kinds]
    items = sorted([*as_due_items(*first), *extra], key=lambda item: (item.due_date, item.uid))  # type: ignore[arg-type]
    shown = items[offset : offset + limit]
    return {"items": shown, "more": max(0, count - offset - len(shown)), "count": count}


def _service_counts(municipality: Any, user: Any) -> dict[str, Any]:
    """The visible entries by status, and those in use by classification and by department.

    From the stored counts (kumokan.ledger.counts) of the departments the user's roles reach, or of the
    whole municipality, plus the few entries they applied for or manage beyond it, counted; the names
    taken from the pack and the department list rather than from every entry's row.
    """
    rows = ledger_counts.visible(user, municipality)
    by_status: Counter[str] = Counter()
    by_classification: Counter[str] = Counter()
    by_department: Counter[int] = Counter()
    for status, _track, code, department, n in rows:
        by_status[status] += n
        if status in ACTIVE_STATUSES:
            by_classification[code] += n
            by_department[department] += n
    labels = _classification_labels(municipality)
    unknown = set(by_classification) - set(labels)
    if unknown:
        # Codes the current pack no longer has: the label stored on the entries.
        labels |= dict(
            entries_for(user)
            .filter(municipality=municipality, classification_code__in=unknown)
            .order_by()
            .values_list("classification_code")
            .annotate(label=Max("classification_label"))
        )
    departments = Department.objects.filter(pk__in=by_department).order_by("name", "pk")
    return {
        "by_status": [
            (str(label), by_status[value]) for value, label in EntryStatus.choices if by_status[value]
        ],
        "by_classification": [
            (labels[code], by_classification[code])
            for code in sorted(by_classification, key=list(labels).index)
        ],
        "by_department": [(name, by_department[pk]) for pk, name in departments.values_list("pk", "name")],
        "total": sum(by_status.values()),
    }


def _classification_labels(municipality: Any) -> dict[str, str]:
    """The municipality's classification scale, in the pack's order: code → label."""
    return classification_labels(municipality)
