"""One checklist task: recorded, assigned, its evidence downloaded."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.core.private_files import attachment
from kumokan.core.refusals import refusal_on_form
from kumokan.ledger.access import entries_for
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES, entry_url
from kumokan.lifecycle.actions.tasks import assign_task, decide_task
from kumokan.lifecycle.choices import (
    TaskStatus,
)
from kumokan.lifecycle.forms import (
    AssignForm,
    TaskForm,
)
from kumokan.lifecycle.models import (
    ChecklistTask,
)
from kumokan.tenancy.permissions import Capability, can, requires


@requires(Capability.VIEW_LEDGER)
def task(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _task_for(request.user, pk)
    form = TaskForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "status": found.status if found.status != TaskStatus.OPEN else TaskStatus.CONFIRMED,
            "note": found.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            decide_task(
                acting_user=request.user,
                task=found,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            )
        if not attempt.refused:
            messages.success(request, _("The checklist item is recorded."))
            return redirect(entry_url(found.entry))
    return render(request, "lifecycle/task.html", _task_context(request, found, form=form))


@require_POST
@requires(Capability.MANAGE_LEDGER)
def assign(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _task_for(request.user, pk)
    form = AssignForm(request.POST, municipality=found.entry.municipality)
    if form.is_valid():
        with refusal_on_form(form) as attempt:
            assign_task(
                acting_user=request.user,
                task=found,
                responsible=form.cleaned_data["responsible"],
                due_date=form.cleaned_data["due_date"],
            )
        if not attempt.refused:
            messages.success(request, _("The task is assigned."))
            return redirect("lifecycle:task", pk=found.pk)
    return render(request, "lifecycle/task.html", _task_context(request, found, assign_form=form), status=400)


@require_safe
@requires(Capability.VIEW_LEDGER)
def task_evidence(request: SignedInRequest, pk: int) -> FileResponse:
    found = _task_for(request.user, pk)
    return attachment(found.evidence, found.evidence_name or "evidence")


def _task_for(user: Any, pk: int) -> ChecklistTask:
    return get_object_or_404(
        ChecklistTask.objects.select_related("entry", "responsible", "confirmed_by"),
        pk=pk,
        entry__in=entries_for(user),
    )


def _task_context(request: SignedInRequest, task: ChecklistTask, **forms: Any) -> dict[str, Any]:
    manage = can(request.user, Capability.MANAGE_LEDGER, task.entry)
    context: dict[str, Any] = {
        "task": task,
        "may_record": task.entry.status in ACTIVE_STATUSES
        and (manage or task.responsible_id == request.user.pk),
        "may_assign": task.entry.status in ACTIVE_STATUSES and manage,
        "form": TaskForm(initial={"status": TaskStatus.CONFIRMED, "note": task.note}),
        "assign_form": AssignForm(
            municipality=task.entry.municipality,
            initial={"responsible": task.responsible_id, "due_date": task.due_date},
        ),
    }
    context.update(forms)
    return context
