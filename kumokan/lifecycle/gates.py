"""What the ledger's own steps require of a service's life, called from kumokan.lifecycle.actions.entries.

- registration on approval opens the phase checklists (procurement, build, operation, termination);
  an entry imported already in operation gets them when they are asked for (open_tasks_of_new_entries);
- start_operation is refused until every item required before operation is confirmed
  (Kitakyushu §3.3③'s three procedures, Amagasaki (２以上)4.3, seed 004 運用・保守時 No.3);
- retire is refused while a termination step is open (Kobe §7.1⑥, Amagasaki (２以上)4.5);
- starting or resuming operation schedules the periodic re-checks; retiring cancels the open ones.

Everything here runs inside the ledger action's transaction, on its locked row.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record_many, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, signed_in
from kumokan.core.answers import item_key
from kumokan.core.bulk import as_copied, insert_rows
from kumokan.core.citations import citation
from kumokan.core.punctuation import bracketed
from kumokan.errors import CHOICES, WorkflowError, in_both, joined, stored
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import (
    CorrectiveStatus,
    IncidentStatus,
    TaskPhase,
    TaskStatus,
    TerminationStatus,
)
from kumokan.lifecycle.models import ChecklistTask, CorrectiveAction, Incident, Recheck, Termination
from kumokan.lifecycle.rules import phase_items, phase_items_of, required_before_operation, snapshot_of
from kumokan.lifecycle.schedule import cancel_open_rechecks, schedule_periodic_rechecks
from kumokan.policy import Judgment
from kumokan.policy.pack import DoneBy
from kumokan.policy.schemas import Item


def open_phase_tasks(
    entry: LedgerEntry, *, acting_user: Actor, phases: Collection[str] = tuple(TaskPhase.values)
) -> int:
    """Copy the judgment's items of the phases after approval (or of the given ones) into tasks of the
    entry, the missing ones only; how many were opened."""
    existing = set(ChecklistTask.objects.filter(entry=entry).values_list("pack_id", "item_id"))
    items = [
        (position, item)
        for position, item in enumerate(phase_items(snapshot_of(entry)))
        if item["phase"] in phases and (item["pack"], item["id"]) not in existing
    ]
    return _open_tasks([(entry, items)], acting_user)


def open_tasks_of_new_entries(entries: list[tuple[LedgerEntry, Judgment]], *, acting_user: Actor) -> int:
    """The tasks of entries just created, each given with its judgment, in one batch.

    An entry registered on approval gets every item of the phases after approval: the gate before
    operation may require any of them. An entry imported already in operation (or suspended, or
    retired) went through those phases before kumokan knew it: its tasks are opened when asked for
    (open_phase_tasks: by its manager from the service's page, the termination items when termination
    is requested), not ~75 at once for each of ten thousand imported rows."""
    # Entries judged alike share one judgment (the import's kinds of row), and so one list of items.
    items_of: dict[int, list[tuple[int, Item]]] = {}
    opened = []
    for entry, judgment in entries:
        if entry.status == EntryStatus.APPROVED:
            if id(judgment) not in items_of:
                items_of[id(judgment)] = list(enumerate(phase_items_of(judgment)))
            opened.append((entry, items_of[id(judgment)]))
    return _open_tasks(opened, acting_user)


# Tasks are written by executemany in batches of this many rows (by COPY on PostgreSQL: core.bulk.insert_rows):
# a batch's rows are built as it is sent, so the memory held stays the same whatever the number of entries.
TASK_BATCH = 2000


def _open_tasks(entries: list[tuple[LedgerEntry, list[tuple[int, Item]]]], acting_user: Actor) -> int:
    """Insert the tasks of each entry's (position, item) pairs, and one audit row per entry naming them.

    Entries of one kind share their judgment's item dicts: each item's column values are prepared for
    the database once (its text, its source as JSON) and only the entry and the person responsible
    change from row to row. Prepared rows (core.bulk.insert_rows), because building a model instance per task
    cost ~0.7 ms each (bench/ledger_import.py; BENCHMARKS.md)."""
    entries = [(entry, items) for entry, items in entries if items]
    if not entries:
        return 0
    connection = connections[router.db_for_write(ChecklistTask)]
    fields = [f for f in ChecklistTask._meta.concrete_fields if not f.primary_key]
    entry_at = fields.index(ChecklistTask._meta.get_field("entry"))
    responsible_at = fields.index(ChecklistTask._meta.get_field("responsible"))
    municipality_at = fields.index(ChecklistTask._meta.get_field("municipality"))
    status_at = fields.index(ChecklistTask._meta.get_field("entry_status"))
    prepared: dict[tuple[int, int], list[Any]] = {}

    def template(position: int, item: Item) -> list[Any]:
        key = (id(item), position)
        if key not in prepared:
            task = ChecklistTask(
                pack_id=item["pack"],
                item_id=item["id"],
                phase=item["phase"],
                position=position,
                group=item.get("group", ""),
                text=item["text"],
                text_en=item.get("text_en") or "",
                source=item["source"],
                required_before_operation=bool(item.get("required_before_operation")),
            )
            prepared[key] = [
                as_copied(f.get_db_prep_save(f.pre_save(task, True), connection)) for f in fields
            ]
        return prepared[key]

    # The prepared rows of each list of items (entries of one kind share theirs).
    templates: dict[int, list[list[Any]]] = {}

    def rows() -> Iterator[list[Any]]:
        for entry, items in entries:
            if id(items) not in templates:
                templates[id(items)] = [template(position, item) for position, item in items]
            for prepared_row in templates[id(items)]:
                row = prepared_row.copy()
                row[entry_at], row[responsible_at] = entry.pk, entry.service_manager_id
                row[municipality_at], row[status_at] = entry.municipality_id, entry.status
                yield row

    count = insert_rows(ChecklistTask, fields, rows(), batch=TASK_BATCH)
    record_many(
        acting_user,
        Action.LIFECYCLE_TASKS_OPEN,
        [(entry, None, {"tasks": [item_key(i) for _p, i in items]}) for entry, items in entries],
        municipality=entries[0][0].municipality,
    )
    return count


def operation_blockers(entry: LedgerEntry) -> list[Item]:
    """The items required before operation that are not confirmed yet, as the judgment lists them."""
    confirmed = set(
        ChecklistTask.objects.filter(entry=entry, status=TaskStatus.CONFIRMED).values_list(
            "pack_id", "item_id"
        )
    )
    return [
        item
        for item in required_before_operation(snapshot_of(entry))
        if (item["pack"], item["id"]) not in confirmed
    ]


def check_step(entry: LedgerEntry, step: str, *, reason: str = "") -> None:
    """Refuse a ledger step whose conditions in the service's life are not met."""
    if step == EntryStep.START_OPERATION:
        _check_period_begun(entry, reason)
        _check_operation_gate(entry)
    elif step == EntryStep.RETIRE:
        _check_termination_done(entry)


def follow_step(entry: LedgerEntry, step: str, *, acting_user: Actor) -> None:
    """What follows a ledger step in the service's life: the entry's new status on its tasks and
    re-checks, then the re-checks and tasks the step opens or ends."""
    copy_entry_status(entry)
    if step in (EntryStep.START_OPERATION, EntryStep.RESUME):
        schedule_periodic_rechecks(entry, today=timezone.localdate(), acting_user=acting_user)
    elif step == EntryStep.RETIRE:
        cancel_open_rechecks(entry, acting_user=acting_user)
        close_open_tasks(entry, acting_user=acting_user)


def copy_entry_status(entry: LedgerEntry) -> int:
    """The entry's status (and municipality) now, on the copies its checklist tasks and re-checks keep
    (CopiesOfEntry), in the caller's transaction; the number of rows changed."""
    return sum(
        model.objects.filter(entry=entry)
        .exclude(entry_status=entry.status, municipality_id=entry.municipality_id)
        .update(entry_status=entry.status, municipality_id=entry.municipality_id)
        for model in (ChecklistTask, Recheck)
    )


def check_entry_copies(municipality: Any = None, *, repair: bool = True) -> dict[str, int]:
    """The checklist tasks and re-checks (of one municipality, or all) whose copies of their entry's
    status or municipality differ from it, counted; with `repair`, each such entry's copies set again
    under its lock, as a step does (`manage.py recount_ledger`, through kumokan.ledger.counts)."""
    drift: dict[str, int] = {}
    entries: set[int] = set()
    for model in (ChecklistTask, Recheck):
        rows = (
            model.objects.all()
            if municipality is None
            else model.objects.filter(entry__municipality=municipality)
        )
        wrong = rows.exclude(entry_status=F("entry__status"), municipality=F("entry__municipality"))
        found = list(wrong.values_list("entry_id", flat=True))
        if found:
            drift[model._meta.db_table] = len(found)
            entries |= set(found)
    if repair:
        for pk in sorted(entries):
            with transaction.atomic():
                copy_entry_status(LedgerEntry.objects.select_for_update().get(pk=pk))
    return drift


def on_entry_copies_checked(sender: Any, *, municipality: Any, repair: bool, **kwargs: Any) -> dict[str, int]:
    """Receives kumokan.ledger.signals.entry_copies_checked (connected in LifecycleConfig.ready)."""
    return check_entry_copies(municipality, repair=repair)


RETIRED_TASK_NOTE = gettext_lazy("Closed without being carried out: the service was retired.")

# A termination item the pack says a recorded step carries out (its done_by) is done by that step.
DONE_NOTES = {
    DoneBy.TERMINATION_APPROVAL: gettext_lazy("Done: the application to stop the use was approved."),
    DoneBy.RETIREMENT: gettext_lazy("Done: the service was retired in the ledger."),
    DoneBy.TERMINATION_COMPLETION: gettext_lazy("Done: the completion of the termination was recorded."),
}


def close_open_tasks(entry: LedgerEntry, *, acting_user: Actor) -> int:
    """A retired service leaves no checklist task 未着手: an open one that a recorded step carried out (the
    pack's done_by: Kobe 7.1① approval, 7.1② and 7.2 retirement, 7.1⑥ completion) ends 確認済み by whoever
    recorded that step, when; every other one ends 該当なし with the reason stated."""
    tasks = list(ChecklistTask.objects.select_for_update().filter(entry=entry, status=TaskStatus.OPEN))
    if not tasks:
        return 0
    now = timezone.now()
    closer = signed_in(acting_user)
    done = _steps_done(entry, closer, now)
    done_by = {
        (loaded.id, item.id): item.done_by
        for loaded in entry.municipality.packs().packs
        for item in loaded.pack.items
        if item.done_by is not None
    }
    fields = ("status", "system_note", *ChecklistTask.ANSWERED)
    rows = []
    for task in tasks:
        before = state_of(task, *fields)
        step = done_by.get((task.pack_id, task.item_id))
        if step in done:
            task.status = TaskStatus.CONFIRMED
            task.system_note = stored(DONE_NOTES[step])
            task.mark_answered(*done[step])
        else:
            task.status = TaskStatus.NOT_APPLICABLE
            task.system_note = stored(RETIRED_TASK_NOTE)  # read in each reader's language
            task.mark_answered(closer, now)
        task.version += 1
        task.updated_at = now
        rows.append((task, before, state_of(task, *fields)))
    ChecklistTask.objects.bulk_update(tasks, [*fields, "version", "updated_at"])
    record_many(acting_user, Action.LIFECYCLE_TASK_DECIDE, rows, municipality=entry.municipality)
    return len(tasks)


def _steps_done(entry: LedgerEntry, closer: Any, now: Any) -> dict[DoneBy, tuple[Any, Any]]:
    """The recorded steps that carry out termination items, each with who recorded it and when."""
    done: dict[DoneBy, tuple[Any, Any]] = {DoneBy.RETIREMENT: (closer, entry.retired_at or now)}
    termination = (
        Termination.objects.filter(entry=entry).select_related("approved_by", "completed_by").first()
    )
    if termination is not None and termination.approved_at is not None:
        done[DoneBy.TERMINATION_APPROVAL] = (termination.approved_by, termination.approved_at)
    if termination is not None and termination.completed_at is not None:
        done[DoneBy.TERMINATION_COMPLETION] = (termination.completed_by, termination.completed_at)
    return done


def _check_operation_gate(entry: LedgerEntry) -> None:
    missing = operation_blockers(entry)
    if not missing:
        return
    # Each item as a person reads it, by its text and its rules' name and clause, never by its id
    # (issue 17 point 2): the API's message_en is read by people too.
    raise WorkflowError(
        gettext_lazy("%(count)s item(s) required before operation are not confirmed yet:\n%(items)s"),
        code="operation_gate",
        params={"count": len(missing), "items": in_both(_listed(missing, "ja"), _listed(missing, "en"))},
    )


def _listed(items: list[Item], language: str) -> str:
    """The items one a line, each with its citation, in `language` (the pack's English gloss in English)."""
    english = language.startswith("en")
    with translation.override(language):
        lines = []
        for item in items:
            text = (item.get("text_en") if english else None) or item["text"]
            cited = citation(item["source"])
            lines.append(f"{'- ' if english else '・'}{text}{bracketed(cited.text) if cited else ''}")
    return "\n".join(lines)


def _check_period_begun(entry: LedgerEntry, reason: str) -> None:
    """Use before the approved period of use begins is outside the approval: only with a recorded reason."""
    start = entry.period_start
    if start is None or timezone.localdate() >= start or reason.strip():
        return
    raise WorkflowError(
        gettext_lazy(
            "the approved period of use begins on %(start)s; starting operation earlier needs a recorded reason"
        ),
        code="before_period",
        params={"start": in_both(f"{start:%Y年%m月%d日}", start.isoformat())},
    )


def _check_termination_done(entry: LedgerEntry) -> None:
    termination = Termination.objects.filter(entry=entry).first()
    if termination is None:
        raise WorkflowError(
            gettext_lazy("no termination has been requested for this service"),
            code="termination_missing",
        )
    if termination.status == TerminationStatus.COMPLETED:
        _check_nothing_left_open(entry)
        return
    raise termination_open(termination.open_steps())


def termination_open(steps: list[Any]) -> WorkflowError:
    """The refusal while steps of the termination are open (none: its completion is not recorded)."""
    return WorkflowError(
        gettext_lazy("the termination is not complete (open: %(steps)s)"),
        code="termination_open",
        params={
            "steps": joined((step.label for step in steps), CHOICES)
            if steps
            else gettext_lazy("the completion record")
        },
    )


def open_matters(entry: LedgerEntry) -> tuple[Any, Any]:
    """The service's incidents not closed and corrective actions in progress, which hold its retirement."""
    return (
        Incident.objects.filter(entry=entry).exclude(status=IncidentStatus.CLOSED).order_by("pk"),
        CorrectiveAction.objects.filter(entry=entry, status=CorrectiveStatus.OPEN).order_by("pk"),
    )


def _check_nothing_left_open(entry: LedgerEntry) -> None:
    """Incidents and corrective actions are closed with their outcome before the service retires.

    No seed says what becomes of an incident or a corrective action still open when a service is retired
    (Kobe §6.1-6.2 and §7, Amagasaki (２以上)4.5 are silent), so kumokan closes none on its own: the
    retirement waits until each is closed with its outcome (issue 15 point 6), and the termination page
    lists them (open_matters)."""
    open_incidents, open_corrective = open_matters(entry)
    incidents, corrective = open_incidents.count(), open_corrective.count()
    if incidents or corrective:
        raise WorkflowError(
            gettext_lazy(
                "%(incidents)s incident(s) and %(corrective)s corrective action(s) are still open: close "
                "each with its outcome before retiring the service"
            ),
            code="open_matters",
            params={"corrective": corrective, "incidents": incidents},
        )
