"""What each person sees first: their open work, what is overdue, and the state of the municipality's services.

The same due items feed the dashboard and the personal iCalendar feed (kumokan.lifecycle.calendar).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.ledger.access import entries_for
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import CorrectiveStatus, IncidentStatus, OrderStatus, RecheckStatus, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, CorrectiveAction, Incident, Recheck, RecheckOrder
from kumokan.tenancy.access import has_role
from kumokan.tenancy.choices import Role

ACTIVE = (EntryStatus.APPROVED, EntryStatus.IN_OPERATION, EntryStatus.SUSPENDED)
# Roles that oversee every service of the municipality: they see everything overdue and coming due.
OVERSEEING_ROLES = (Role.SECURITY_MANAGER, Role.CHIEF, Role.APPROVER, Role.AUDITOR, Role.ADMINISTRATOR)
COMING_DUE_DAYS = 60
# An overseer's lists stay readable: the earliest items, and how many more there are.
LIST_LIMIT = 15


@dataclass(frozen=True)
class DueItem:
    """One dated thing to do: a checklist task, a re-check, a corrective action or a certification."""

    kind: str | Promise
    title: str
    service: str
    due_date: datetime.date
    url: str
    uid: str

    def overdue(self, today: datetime.date) -> bool:
        return self.due_date < today


def due_items_for(user: Any, municipality: Any = None) -> list[DueItem]:
    """The user's own open items with a due date, earliest first (in one municipality, if given)."""
    where = Q() if municipality is None else Q(entry__municipality=municipality)
    tasks = ChecklistTask.objects.filter(
        where, responsible=user, status=TaskStatus.OPEN, due_date__isnull=False, entry__status__in=ACTIVE
    )
    rechecks = Recheck.objects.filter(where, entry__service_manager=user, status=RecheckStatus.OPEN)
    corrective = CorrectiveAction.objects.filter(where, owner=user, status=CorrectiveStatus.OPEN)
    return _items(tasks, rechecks, corrective)


def oversight_items(municipality: Any) -> list[DueItem]:
    """Every open dated item of the municipality's services, for those who oversee them."""
    where = Q(entry__municipality=municipality)
    tasks = ChecklistTask.objects.filter(
        where, status=TaskStatus.OPEN, due_date__isnull=False, entry__status__in=ACTIVE
    )
    rechecks = Recheck.objects.filter(where, status=RecheckStatus.OPEN)
    corrective = CorrectiveAction.objects.filter(where, status=CorrectiveStatus.OPEN)
    return _items(tasks, rechecks, corrective)


def certifications_coming_due(municipality: Any, until: datetime.date) -> list[DueItem]:
    """Hook for the certification register (ISMAP, ISO/IEC 27001 …), which arrives in a later issue:
    return its registrations expiring by `until` as DueItems and the dashboard lists them with the re-checks.
    """
    return []


def dashboard_for(user: Any, municipality: Any) -> dict[str, Any]:
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=COMING_DUE_DAYS)
    oversees = any(has_role(user, municipality, role) for role in OVERSEEING_ROLES)
    if oversees:
        # A shared deployment has tens of thousands of open items: count them and read only the
        # earliest of each kind in the database (BENCHMARKS.md, "Dashboard").
        overdue, coming_due = (
            _earliest(municipality, Q(due_date__lt=today), []),
            _earliest(
                municipality,
                Q(due_date__gte=today, due_date__lte=horizon),
                certifications_coming_due(municipality, horizon),
            ),
        )
    else:
        watched = due_items_for(user, municipality)
        overdue = _shortened([item for item in watched if item.overdue(today)])
        coming_due = _shortened(
            sorted(
                [item for item in watched if today <= item.due_date <= horizon]
                + certifications_coming_due(municipality, horizon),
                key=lambda item: item.due_date,
            )
        )
    visible = entries_for(user).filter(municipality=municipality)
    return {
        "municipality": municipality,
        "today": today,
        "oversees": oversees,
        "my_tasks": ChecklistTask.objects.filter(
            responsible=user,
            status=TaskStatus.OPEN,
            entry__municipality=municipality,
            entry__status__in=ACTIVE,
        )
        .select_related("entry")
        .order_by("due_date", "entry__service_name", "position")[:50],
        "my_rechecks": Recheck.objects.filter(
            entry__service_manager=user, entry__municipality=municipality, status=RecheckStatus.OPEN
        ).select_related("entry", "order"),
        "my_corrective": CorrectiveAction.objects.filter(
            owner=user, entry__municipality=municipality, status=CorrectiveStatus.OPEN
        ).select_related("entry"),
        "my_incidents": Incident.objects.filter(entry__service_manager=user, entry__municipality=municipality)
        .exclude(status=IncidentStatus.CLOSED)
        .select_related("entry"),
        "open_orders": RecheckOrder.objects.filter(municipality=municipality, status=OrderStatus.OPEN)
        if oversees
        else RecheckOrder.objects.none(),
        "overdue": overdue,
        "coming_due": coming_due,
        "by_status": _counts(visible, "status", EntryStatus),
        "by_classification": _counts(visible.filter(status__in=ACTIVE), "classification_label"),
        "by_department": _counts(visible.filter(status__in=ACTIVE), "department__name"),
        "total": visible.count(),
    }


def _earliest(municipality: Any, when: Q, extra: list[DueItem]) -> dict[str, Any]:
    """The municipality's open items due `when`: their count and the earliest LIST_LIMIT of them."""
    where = Q(entry__municipality=municipality) & when
    kinds = (
        ChecklistTask.objects.filter(where, status=TaskStatus.OPEN, entry__status__in=ACTIVE),
        Recheck.objects.filter(where, status=RecheckStatus.OPEN),
        CorrectiveAction.objects.filter(
            Q(entry__municipality=municipality), status=CorrectiveStatus.OPEN
        ).filter(**{key.replace("due_date", "deadline"): value for key, value in when.children}),
    )
    count = sum(kind.count() for kind in kinds) + len(extra)
    first = [
        kind.order_by(order, "pk")[:LIST_LIMIT]
        for kind, order in zip(kinds, ("due_date", "due_date", "deadline"), strict=True)
    ]
    items = sorted(_items(*first) + extra, key=lambda item: (item.due_date, item.uid))  # type: ignore[arg-type]
    return {"items": items[:LIST_LIMIT], "more": max(0, count - LIST_LIMIT), "count": count}


def _shortened(items: list[DueItem]) -> dict[str, Any]:
    return {"items": items[:LIST_LIMIT], "more": max(0, len(items) - LIST_LIMIT), "count": len(items)}


def _items(
    tasks: QuerySet[ChecklistTask], rechecks: QuerySet[Recheck], corrective: QuerySet[CorrectiveAction]
) -> list[DueItem]:
    items = [
        DueItem(
            kind=_("Checklist item"),
            title=task.text[:60],
            service=str(task.entry),
            due_date=task.due_date,
            url=f"/lifecycle/tasks/{task.pk}/",
            uid=f"task-{task.pk}",
        )
        for task in tasks.select_related("entry")
        if task.due_date is not None
    ]
    items += [
        DueItem(
            kind=recheck.get_trigger_display(),
            title=str(recheck.get_trigger_display()),
            service=str(recheck.entry),
            due_date=recheck.due_date,
            url=recheck.get_absolute_url(),
            uid=f"recheck-{recheck.pk}",
        )
        for recheck in rechecks.select_related("entry")
    ]
    items += [
        DueItem(
            kind=_("Corrective action"),
            title=action.description[:60],
            service=str(action.entry),
            due_date=action.deadline,
            url=f"/lifecycle/entries/{action.entry_id}/",
            uid=f"corrective-{action.pk}",
        )
        for action in corrective.select_related("entry")
    ]
    return sorted(items, key=lambda item: (item.due_date, item.uid))


def _counts(entries: QuerySet[LedgerEntry], field: str, choices: Any = None) -> list[tuple[str, int]]:
    rows = entries.values(field).annotate(n=Count("id")).order_by(field)
    if choices is not None:
        return [(str(choices(row[field]).label), row["n"]) for row in rows]
    return [(row[field], row["n"]) for row in rows]
