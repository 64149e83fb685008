"""The dated things a person has to do (checklist tasks, re-checks, corrective actions): listed on the
dashboard (kumokan.home.dashboard) and in the personal iCalendar feed (kumokan.lifecycle.calendar)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
from kumokan.lifecycle.choices import CorrectiveStatus, RecheckStatus, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, CorrectiveAction, Recheck

# What a listed item reads of its service: the name it is shown by (LedgerEntry.__str__), not the whole row.
ENTRY_NAME = ("entry", "entry__service_name", "entry__function_name")


# How much of a checklist item's text or a corrective action's description a list shows; a longer one
# ends in … (cut bare, 「…当該クラウドサービスの」 read as the whole item).
TITLE_LENGTH = 60


# What a listed re-check reads to name itself (Recheck.in_brief).
RECHECK_IN_BRIEF = ("trigger", "rule_key", "basis", "interval_months")


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
    where = Q() if municipality is None else Q(municipality=municipality)
    tasks = ChecklistTask.objects.filter(
        where,
        responsible=user,
        status=TaskStatus.OPEN,
        due_date__isnull=False,
        entry_status__in=ACTIVE_STATUSES,
    )
    rechecks = Recheck.objects.filter(where, entry__service_manager=user, status=RecheckStatus.OPEN)
    corrective = CorrectiveAction.objects.filter(
        Q() if municipality is None else Q(entry__municipality=municipality),
        owner=user,
        status=CorrectiveStatus.OPEN,
    )
    return as_due_items(tasks, rechecks, corrective)


def as_due_items(
    tasks: QuerySet[ChecklistTask], rechecks: QuerySet[Recheck], corrective: QuerySet[CorrectiveAction]
) -> list[DueItem]:
    items = [
        DueItem(
            kind=_("Checklist item"),
            title=Truncator(task.text_in_language).chars(TITLE_LENGTH),
            service=str(task.entry),
            due_date=task.due_date,
            url=f"/lifecycle/tasks/{task.pk}/",
            uid=f"task-{task.pk}",
        )
        for task in tasks.select_related("entry").only("text", "text_en", "due_date", *ENTRY_NAME)
        if task.due_date is not None
    ]
    items += [
        DueItem(
            kind=recheck.get_trigger_display(),
            title=recheck.in_brief(),
            service=str(recheck.entry),
            due_date=recheck.due_date,
            url=recheck.get_absolute_url(),
            uid=f"recheck-{recheck.pk}",
        )
        for recheck in rechecks.select_related("entry").only(*RECHECK_IN_BRIEF, "due_date", *ENTRY_NAME)
    ]
    items += [
        DueItem(
            kind=_("Corrective action"),
            title=Truncator(action.description).chars(TITLE_LENGTH),
            service=str(action.entry),
            due_date=action.deadline,
            url=f"/lifecycle/entries/{action.entry_id}/",
            uid=f"corrective-{action.pk}",
        )
        for action in corrective.select_related("entry").only("description", "deadline", *ENTRY_NAME)
    ]
    return sorted(items, key=lambda item: (item.due_date, item.uid))
