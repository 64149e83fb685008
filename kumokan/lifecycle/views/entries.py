"""A service's lifecycle page: its status steps, its gate and its phase checklists."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message, refusal_on_form, show_as_messages
from kumokan.errors import WorkflowError
from kumokan.ledger.access import entry_for
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.models import LedgerEntry
from kumokan.ledger.workflow import transition
from kumokan.lifecycle.access import may_correct
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions import tasks as tasks_actions
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES, entry_url
from kumokan.lifecycle.actions.tasks import TaskConfirmation, confirm_tasks
from kumokan.lifecycle.choices import (
    TaskPhase,
    TaskStatus,
)
from kumokan.lifecycle.forms import (
    CloseCorrectiveForm,
    CorrectiveForm,
    GateForm,
    StepForm,
)
from kumokan.lifecycle.gates import operation_blockers
from kumokan.lifecycle.models import (
    ChecklistTask,
    Termination,
)
from kumokan.policy.schemas import Item
from kumokan.tenancy.permissions import Capability, can, requires
from kumokan.tenancy.vocabulary import in_sentence

# The checklists shown unfolded on a service's page: those of the phase it is in.
CURRENT_PHASES: dict[str, tuple[TaskPhase, ...]] = {
    EntryStatus.APPROVED: (TaskPhase.PROCUREMENT, TaskPhase.BUILD),
    EntryStatus.IN_OPERATION: (TaskPhase.OPERATION,),
    EntryStatus.SUSPENDED: (TaskPhase.OPERATION,),
    EntryStatus.RETIRED: (TaskPhase.TERMINATION,),
}


@require_POST
@requires(Capability.MANAGE_LEDGER)
def change_status(request: SignedInRequest, pk: int, step: str) -> HttpResponse:
    """Start operation, suspend, resume or retire: asked again, then taken by kumokan.lifecycle.actions.entries."""
    entry = entry_for(request.user, pk)
    if not can(request.user, Capability.MANAGE_LEDGER, entry):
        raise PermissionDenied(
            _("Only the %(service_manager)s or an administrator may change this %(ledger)s entry.")
            % in_sentence(entry.municipality)
        )
    form = StepForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    with refusal_as_message(request) as attempt:
        move = transition(entry.status, EntryStep(step), entry.municipality)
    if attempt.refused:
        return redirect(entry)
    if move.reason_required and not form.cleaned_data["reason"].strip():
        form.add_error("reason", _("Give a reason."))
    if form.errors or not form.cleaned_data["confirmed"]:
        return render(
            request,
            "lifecycle/confirm_step.html",
            {
                "entry": entry,
                "form": form,
                "step": step,
                "label": EntryStep(step).label,
                "target": move.target,
            },
        )
    try:
        entries.STEP_ACTIONS[step](
            acting_user=request.user,
            entry=entry,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except WorkflowError as exc:
        if exc.code == "operation_gate":
            # The open items are a checklist on the service's page, where they can be confirmed at once.
            messages.error(request, _("Operation cannot start yet: confirm the open items below first."))
            return redirect(reverse("lifecycle:entry", args=[entry.pk]) + "#gate")
        show_as_messages(request, exc)
    else:
        messages.success(
            request,
            _("The %(ledger)s entry is now “%(status)s”.")
            % ({"status": EntryStatus(move.target).label} | in_sentence(entry.municipality)),
        )
    return redirect(entry)


@require_safe
@requires(Capability.VIEW_LEDGER)
def entry(request: SignedInRequest, pk: int) -> HttpResponse:
    return render(request, "lifecycle/entry.html", _entry_context(request, entry_for(request.user, pk)))


@require_POST
@requires(Capability.VIEW_LEDGER)
def confirm_gate(request: SignedInRequest, pk: int) -> HttpResponse:
    """Confirm several of the items required before operation at once (each through decide_task)."""
    found = entry_for(request.user, pk)
    context = _entry_context(request, found, data=request.POST, files=request.FILES)
    form = context["gate_form"]
    if form is None:
        raise PermissionDenied(_("There is nothing here you may confirm."))
    if form.is_valid():
        with refusal_on_form(form, summary=True) as attempt:
            done = confirm_tasks(
                acting_user=request.user,
                entry=found,
                confirmations=[
                    TaskConfirmation(task=task, expected_version=version, evidence=evidence)
                    for task, version, evidence in form.chosen()
                ],
                note=form.cleaned_data["note"],
            )
        if not attempt.refused:
            messages.success(
                request,
                ngettext("%(n)d item is confirmed.", "%(n)d items are confirmed.", len(done))
                % {"n": len(done)},
            )
            return redirect(reverse("lifecycle:entry", args=[found.pk]) + "#gate")
    context = _entry_context(request, found, gate_form=form)
    return render(request, "lifecycle/entry.html", context, status=400)


def _entry_context(
    request: HttpRequest, found: LedgerEntry, *, data: Any = None, files: Any = None, gate_form: Any = None
) -> dict[str, Any]:
    tasks = list(found.tasks.select_related("responsible", "confirmed_by"))
    current = CURRENT_PHASES.get(found.status, ())
    phases = [
        {
            "phase": phase,
            "label": label,
            "tasks": [t for t in tasks if t.phase == phase],
            "done": sum(1 for t in tasks if t.phase == phase and t.status != TaskStatus.OPEN),
            "open": phase in current,
        }
        for phase, label in TaskPhase.choices
    ]
    manage = can(request.user, Capability.MANAGE_LEDGER, found)
    gate: dict[str, Any] = {}
    if found.status == EntryStatus.APPROVED:
        rows = [
            {
                "item": item,
                "task": task,
                "may_record": task is not None and (manage or task.responsible_id == request.user.pk),
            }
            for item, task in _blocker_tasks(found, tasks)
        ]
        required = sum(1 for t in tasks if t.required_before_operation)
        if gate_form is None and any(row["may_record"] for row in rows):
            gate_form = GateForm(data, files, rows=rows)
        gate = {
            "rows": gate_form.rows if gate_form else rows,
            "required": max(required, len(rows)),
            "confirmed": max(required, len(rows)) - len(rows),
        }
    return {
        "entry": found,
        "phases": [p for p in phases if p["tasks"]],
        "gate": gate,
        "gate_form": gate_form,
        "rechecks": found.rechecks.order_by("-due_date", "-id"),
        "incidents": found.incidents.all(),
        "corrective_actions": found.corrective_actions.select_related("owner"),
        "termination": Termination.objects.filter(entry=found).first(),
        "may_manage": manage,
        # Imported already in operation: its checklists open when its manager asks (gates).
        "checklists_unopened": found.status in (EntryStatus.IN_OPERATION, EntryStatus.SUSPENDED)
        and all(t.phase == TaskPhase.TERMINATION for t in tasks),
        "may_correct": found.status in ACTIVE_STATUSES and may_correct(request.user, found),
        "corrective_form": CorrectiveForm(
            municipality=found.municipality,
            initial={
                "owner": found.service_manager,
                "deadline": timezone.localdate() + datetime.timedelta(days=30),
            },
        ),
        "close_forms": {c.pk: CloseCorrectiveForm(prefix=f"c{c.pk}") for c in found.corrective_actions.all()},
        "today": timezone.localdate(),
    }


@require_POST
@requires(Capability.VIEW_LEDGER)
def open_checklists(request: SignedInRequest, pk: int) -> HttpResponse:
    found = entry_for(request.user, pk)
    with refusal_as_message(request) as attempt:
        opened = tasks_actions.open_checklists(acting_user=request.user, entry=found)
    if not attempt.refused:
        messages.success(
            request,
            ngettext("%(n)d checklist item is now a task.", "%(n)d checklist items are now tasks.", opened)
            % {"n": opened},
        )
    return redirect(f"{entry_url(found)}#checklists")


def _blocker_tasks(entry: LedgerEntry, tasks: list[ChecklistTask]) -> list[tuple[Item, ChecklistTask | None]]:
    """Each item still closing the gate, with its task (None if the task was never opened)."""
    by_item = {(t.pack_id, t.item_id): t for t in tasks}
    return [(item, by_item.get((item["pack"], item["id"]))) for item in operation_blockers(entry)]
