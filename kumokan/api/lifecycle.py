"""A service's life after approval: its phase checklists and its re-checks (kumokan.lifecycle)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field
from typing_extensions import TypedDict

from kumokan.api.auth import requires
from kumokan.api.inputs import Id, Text, Version
from kumokan.api.pages import Changed, Page, Paging, paginate
from kumokan.api.schemas import documented_as, errors
from kumokan.core.actors import SignedInRequest
from kumokan.errors import rendered
from kumokan.ledger.access import entries_for, entry_for
from kumokan.lifecycle.actions import rechecks as rechecks_actions
from kumokan.lifecycle.actions import tasks as tasks_actions
from kumokan.lifecycle.choices import RecheckStatus, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.policy.schemas import RecheckRule, Source
from kumokan.tenancy.permissions import Capability

router = Router(tags=["lifecycle"])

TaskStatusValue = Literal["open", "confirmed", "not_applicable", "nonconforming"]


class RecheckChange(TypedDict):
    """An item of a pack revision that changed and applies to this service (kumokan.policy.diff)."""

    pack: str
    id: str
    kind: Literal["added", "removed", "changed"]
    fields: list[str]
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class TaskOut(Schema):
    id: int
    version: int
    entry: int
    pack: str
    item: str
    phase: Literal["procurement", "build", "operation", "termination"]
    phase_label: str
    group: str
    text: str
    source: Source
    required_before_operation: bool
    status: TaskStatusValue
    status_label: str
    note: str = Field(description="The note, in Japanese: as typed, then any note kumokan gave.")
    note_en: str = Field(description="The note in English; what a person typed is as they typed it.")
    evidence_name: str
    responsible: str | None = Field(description="Username of the person who carries it out.")
    due_date: datetime.date | None
    confirmed_by: str | None
    confirmed_at: datetime.datetime | None
    updated_at: datetime.datetime = Field(description="When the task last changed (its version rose).")


class RecheckOut(Schema):
    id: int
    version: int
    entry: int
    service: str
    trigger: str
    trigger_label: str
    basis: Annotated[list[dict[str, Any]], documented_as(list[RecheckRule])] = Field(
        description="The pack's re-check rules this one fulfils (as in the judgment's rechecks)."
    )
    items: Annotated[list[dict[str, Any]], documented_as(list[RecheckChange])] = Field(
        description="After a rules revision: the changed items that apply."
    )
    interval_months: int | None
    order: int | None
    incident: int | None
    due_date: datetime.date
    overdue: bool
    status: Literal["open", "conforms", "nonconforming", "cancelled"]
    status_label: str
    answer_note: str
    answered_by: str | None
    answered_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime = Field(description="When the re-check last changed (its version rose).")


class TaskDecision(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    status: TaskStatusValue
    note: Text = Field("", description="Required for not_applicable and nonconforming.")


class RecheckAnswer(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    result: Literal["conforms", "nonconforming"]
    note: Text = Field("", description="Required when it does not conform: what does not.")


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def task_data(task: ChecklistTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "version": task.version,
        "entry": task.entry_id,
        "pack": task.pack_id,
        "item": task.item_id,
        "phase": task.phase,
        "phase_label": str(task.get_phase_display()),
        "group": task.group,
        "text": task.text,
        "source": task.source,
        "required_before_operation": task.required_before_operation,
        "status": task.status,
        "status_label": str(TaskStatus(task.status).label),
        "note": rendered(task.note_text, "ja"),
        "note_en": rendered(task.note_text, "en"),
        "evidence_name": task.evidence_name,
        "responsible": _username(task.responsible),
        "due_date": task.due_date,
        "confirmed_by": _username(task.confirmed_by),
        "confirmed_at": task.confirmed_at,
        "updated_at": task.updated_at,
    }


def recheck_data(recheck: Recheck) -> dict[str, Any]:
    return {
        "id": recheck.pk,
        "version": recheck.version,
        "entry": recheck.entry_id,
        "service": str(recheck.entry),
        "trigger": recheck.trigger,
        "trigger_label": str(recheck.get_trigger_display()),
        "basis": recheck.basis,
        "items": recheck.items,
        "interval_months": recheck.interval_months,
        "order": recheck.order_id,
        "incident": recheck.incident_id,
        "due_date": recheck.due_date,
        "overdue": recheck.is_overdue(),
        "status": recheck.status,
        "status_label": str(RecheckStatus(recheck.status).label),
        "answer_note": recheck.answer_note,
        "answered_by": _username(recheck.answered_by),
        "answered_at": recheck.answered_at,
        "created_at": recheck.created_at,
        "updated_at": recheck.updated_at,
    }


class LifecycleFilters(Paging, Changed):
    pass


def _changed(rows: Any, filters: LifecycleFilters) -> Any:
    """Only the rows changed at or after `updated_since` (a recorded task, an answered re-check…)."""
    return rows.filter(updated_at__gte=filters.updated_since) if filters.updated_since else rows


def _tasks_for(user: Any) -> Any:
    return ChecklistTask.objects.filter(entry__in=entries_for(user)).select_related(
        "entry", "responsible", "confirmed_by"
    )


def _rechecks_for(user: Any) -> Any:
    return Recheck.objects.filter(entry__in=entries_for(user)).select_related("entry", "answered_by")


@router.get(
    "/ledger/{int:entry_id}/tasks",
    response={200: Page[TaskOut], **errors(401, 403, 404, 422)},
    summary="The phase checklists of a service",
    operation_id="list_tasks",
    auth=requires(Capability.VIEW_LEDGER),
)
def list_tasks(request: SignedInRequest, entry_id: Id, filters: Query[LifecycleFilters]) -> dict[str, Any]:
    """Procurement, build, operation and termination items of the entry, in the pack's order."""
    entry = entry_for(request.user, entry_id)
    tasks = _changed(_tasks_for(request.user).filter(entry=entry), filters)
    return paginate(tasks, filters, task_data, ["position", "id"])


@router.get(
    "/tasks/{int:task_id}",
    response={200: TaskOut, **errors(401, 403, 404, 422)},
    summary="Read a checklist task",
    operation_id="get_task",
    auth=requires(Capability.VIEW_LEDGER),
)
def get_task(request: SignedInRequest, task_id: Id) -> dict[str, Any]:
    return task_data(get_object_or_404(_tasks_for(request.user), pk=task_id))


@router.post(
    "/tasks/{int:task_id}",
    response={200: TaskOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Record a checklist task",
    operation_id="decide_task",
    auth=requires(Capability.VIEW_LEDGER),
)
def decide_task(request: SignedInRequest, task_id: Id, payload: TaskDecision) -> dict[str, Any]:
    """kumokan.lifecycle.actions.tasks.decide_task: the service manager or the person responsible (403 for others);
    evidence files are uploaded on the task's page."""
    task = get_object_or_404(_tasks_for(request.user), pk=task_id)
    tasks_actions.decide_task(
        acting_user=request.user,
        task=task,
        status=payload.status,
        note=payload.note,
        expected_version=payload.version,
    )
    return task_data(get_object_or_404(_tasks_for(request.user), pk=task_id))


@router.get(
    "/ledger/{int:entry_id}/rechecks",
    response={200: Page[RecheckOut], **errors(401, 403, 404, 422)},
    summary="The re-checks of a service",
    operation_id="list_entry_rechecks",
    auth=requires(Capability.VIEW_LEDGER),
)
def list_entry_rechecks(
    request: SignedInRequest, entry_id: Id, filters: Query[LifecycleFilters]
) -> dict[str, Any]:
    """Newest due date first, as the service's page lists them."""
    entry = entry_for(request.user, entry_id)
    rechecks = _changed(_rechecks_for(request.user).filter(entry=entry), filters)
    return paginate(rechecks, filters, recheck_data, ["due_date", "id"], descending=True)


@router.get(
    "/rechecks/{int:recheck_id}",
    response={200: RecheckOut, **errors(401, 403, 404, 422)},
    summary="Read a re-check",
    operation_id="get_recheck",
    auth=requires(Capability.VIEW_LEDGER),
)
def get_recheck(request: SignedInRequest, recheck_id: Id) -> dict[str, Any]:
    return recheck_data(get_object_or_404(_rechecks_for(request.user), pk=recheck_id))


@router.post(
    "/rechecks/{int:recheck_id}/answer",
    response={200: RecheckOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Answer a re-check",
    operation_id="answer_recheck",
    auth=requires(Capability.VIEW_LEDGER),
)
def answer_recheck(request: SignedInRequest, recheck_id: Id, payload: RecheckAnswer) -> dict[str, Any]:
    """kumokan.lifecycle.actions.rechecks.answer_recheck: only the service's manager (403 for others)."""
    recheck = get_object_or_404(_rechecks_for(request.user), pk=recheck_id)
    rechecks_actions.answer_recheck(
        acting_user=request.user,
        recheck=recheck,
        result=payload.result,
        note=payload.note,
        expected_version=payload.version,
    )
    return recheck_data(get_object_or_404(_rechecks_for(request.user), pk=recheck_id))
