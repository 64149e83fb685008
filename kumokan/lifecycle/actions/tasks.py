"""The phase checklists of a service: opened, decided, confirmed at a gate, assigned."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor, display_name, signed_in
from kumokan.core.private_files import keep
from kumokan.errors import WorkflowError, check_version
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle import gates
from kumokan.lifecycle.access import may_be_responsible
from kumokan.lifecycle.actions.common import entry_url, require_active
from kumokan.lifecycle.choices import (
    TaskStatus,
)
from kumokan.lifecycle.models import (
    ChecklistTask,
)
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence


def open_checklists(*, acting_user: Actor, entry: LedgerEntry) -> int:
    """Open the phase checklists of a service that entered the ledger already in operation (an imported
    ledger gives it none, kumokan.lifecycle.gates.open_tasks_of_new_entries): every item of its
    judgment that is not a task yet becomes one, as on approval; how many."""
    with transaction.atomic():
        locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked):
            raise PermissionDenied(_("Only the service manager or an administrator may open its checklists."))
        require_active(locked)
        opened = gates.open_phase_tasks(locked, acting_user=acting_user)
        if not opened:
            raise WorkflowError(
                gettext_lazy("the checklists of this service are open already"),
                code="unchanged",
            )
    return opened


def decide_task(
    *,
    acting_user: Actor,
    task: ChecklistTask,
    status: str,
    note: str = "",
    evidence: UploadedFile[bytes] | None = None,
    expected_version: int | None = None,
) -> ChecklistTask:
    """Record a checklist task as confirmed, not applicable or nonconforming (or open it again)."""
    status = TaskStatus(status)
    note = note.strip()
    with transaction.atomic():
        locked = ChecklistTask.objects.select_for_update().select_related("entry").get(pk=task.pk)
        _require_task_owner(acting_user, locked)
        require_active(locked.entry)
        check_version(gettext_lazy("task"), locked.version, expected_version)
        if status in (TaskStatus.NOT_APPLICABLE, TaskStatus.NONCONFORMING) and not note:
            raise WorkflowError(
                gettext_lazy("say why the item does not apply or does not conform"),
                code="note_required",
            )
        if status == locked.status and note == locked.note and evidence is None:
            raise WorkflowError(
                gettext_lazy("nothing was changed"),
                code="unchanged",
            )
        fields = ("status", "note", "evidence", *ChecklistTask.ANSWERED)
        before = state_of(locked, *fields)
        locked.status = status
        locked.note = note
        # An item set back to open is nobody's answer.
        changed = [
            "status",
            "note",
            *locked.mark_answered(None if status == TaskStatus.OPEN else signed_in(acting_user)),
        ]
        if evidence is not None:
            locked.evidence_name = keep(locked.evidence, evidence, default="evidence")
            changed += ["evidence", "evidence_name"]
        locked.save(update_fields=changed)
        record(acting_user, Action.LIFECYCLE_TASK_DECIDE, locked, before, state_of(locked, *fields))
    return locked


@dataclass(frozen=True)
class TaskConfirmation:
    """One item of a bulk confirmation: the task as read, and the evidence attached to it (if any)."""

    task: ChecklistTask
    expected_version: int | None = None
    evidence: UploadedFile[bytes] | None = None


def confirm_tasks(
    *, acting_user: Actor, entry: LedgerEntry, confirmations: Sequence[TaskConfirmation], note: str = ""
) -> list[ChecklistTask]:
    """Confirm several checklist tasks of one entry at once, each through decide_task: all or none.

    Every refusal is collected (each item named) before anything is undone, so the person sees them all.
    """
    if not confirmations:
        raise WorkflowError(
            gettext_lazy("choose the items to confirm"),
            code="nothing_chosen",
        )
    stored: list[ChecklistTask] = []
    refusals: list[WorkflowError] = []
    try:
        with transaction.atomic():
            for confirmation in confirmations:
                task = confirmation.task
                if task.entry_id != entry.pk:
                    raise WorkflowError(
                        gettext_lazy("an item of another service was sent"),
                        code="other_entry",
                    )
                try:
                    with transaction.atomic():
                        done = decide_task(
                            acting_user=acting_user,
                            task=task,
                            status=TaskStatus.CONFIRMED,
                            note=note,
                            evidence=confirmation.evidence,
                            expected_version=confirmation.expected_version,
                        )
                except WorkflowError as exc:
                    label = f"〔{task.source.get('clause', '')}〕{task.text_in_language[:40]}"
                    refusals.append(
                        WorkflowError(
                            gettext_lazy("%(item)s: %(reason)s"),
                            code=exc.code,
                            params={"item": label, "reason": exc.text},
                        )
                    )
                else:
                    stored.append(done)
            if refusals:
                raise WorkflowError(
                    gettext_lazy("%(count)s item(s) could not be confirmed; nothing was recorded"),
                    code="tasks_refused",
                    details=tuple(refusals),
                    params={"count": len(refusals)},
                )
    except BaseException:
        # The rows are rolled back; the files stored for them would be orphans in the evidence storage.
        for done in stored:
            if done.evidence.name and any(
                c.evidence is not None and c.task.pk == done.pk for c in confirmations
            ):
                done.evidence.storage.delete(done.evidence.name)
        raise
    return stored


def assign_task(
    *, acting_user: Actor, task: ChecklistTask, responsible: Any, due_date: datetime.date | None
) -> ChecklistTask:
    """Name who carries out a task and by when; the new person is told."""
    with transaction.atomic():
        locked = ChecklistTask.objects.select_for_update().select_related("entry").get(pk=task.pk)
        if not can(acting_user, Capability.MANAGE_LEDGER, locked.entry):
            raise PermissionDenied(
                _("Only the %(service_manager)s or an administrator may assign tasks.")
                % in_sentence(locked.entry.municipality)
            )
        require_active(locked.entry)
        if responsible is not None and not may_be_responsible(responsible, locked.entry.municipality):
            raise WorkflowError(
                gettext_lazy("%(person)s cannot be made responsible for a task here"),
                params={"person": display_name(responsible)},
                code="not_member",
            )
        if responsible == locked.responsible and due_date == locked.due_date:
            raise WorkflowError(
                gettext_lazy("nothing was changed"),
                code="unchanged",
            )
        before = state_of(locked, "responsible", "due_date")
        newly_responsible = responsible is not None and responsible.pk != locked.responsible_id
        locked.responsible, locked.due_date = responsible, due_date
        locked.save(update_fields=["responsible", "due_date"])
        record(
            acting_user,
            Action.LIFECYCLE_TASK_ASSIGN,
            locked,
            before,
            state_of(locked, "responsible", "due_date"),
        )
        if newly_responsible and responsible.pk != getattr(acting_user, "pk", None):
            text = Message(
                gettext_noop("You are responsible for a checklist item of %(service)s."),
                {"service": locked.entry},
            )
            notify(
                [responsible],
                text,
                entry_url(locked.entry),
                municipality=locked.entry.municipality,
                verb=Verb.TASK_ASSIGNED,
            )
    return locked


def _require_task_owner(acting_user: Actor, task: ChecklistTask) -> None:
    if can(acting_user, Capability.MANAGE_LEDGER, task.entry):
        return
    if acting_user.is_authenticated and acting_user.pk == task.responsible_id and acting_user.is_active:
        return
    raise PermissionDenied(
        _("Only the %(service_manager)s or the person responsible may record this task.")
        % in_sentence(task.entry.municipality)
    )
