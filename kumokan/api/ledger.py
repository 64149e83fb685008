"""The ledger (台帳): the list with the UI's filters, sort and page size; an entry; edits and status steps."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from kumokan.api.auth import requires
from kumokan.api.errors import InvalidInput
from kumokan.api.inputs import Id, Required, Text, Version
from kumokan.api.pages import Changed, Page, Paging, paginate
from kumokan.api.schemas import errors
from kumokan.core.actors import SignedInRequest
from kumokan.errors import as_typed, in_both, interpolate, rendered
from kumokan.ledger import actions
from kumokan.ledger.access import entries_for, entry_for
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.forms import LedgerFilterForm
from kumokan.ledger.models import NOTE_MAX_LENGTH, LedgerEntry
from kumokan.ledger.workflow import steps_from
from kumokan.lifecycle.actions import entries
from kumokan.policy.tracks import TrackCode
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.models import Department
from kumokan.tenancy.permissions import Capability, can, municipalities_granting
from kumokan.tenancy.vocabulary import in_sentence

router = Router(tags=["ledger"])

StatusValue = Literal["approved", "in_operation", "suspended", "retired"]
UserScopeValue = Literal["organisation", "department", "citizens", "contractors"]
StepValue = Literal["start_operation", "suspend", "resume", "retire"]


class EntryOut(Schema):
    id: int
    municipality: str
    department_id: int
    department: str = Field(description="The department's code.")
    department_name: str
    application: int
    service_id: int
    service_name: str
    function_name: str
    provider_name: str
    purpose: str
    classification_code: str
    classification_label: str
    track: TrackCode
    period_start: datetime.date | None
    period_end: datetime.date | None
    applicant: str
    applicant_name: str
    applicant_department_name: str
    user_scope: UserScopeValue
    user_scope_detail: str
    service_manager: str = Field(description="The service manager's username.")
    service_manager_name: str
    service_manager_title: str
    service_manager_department_name: str
    approver_title: str
    approved_at: datetime.datetime
    fields: dict[str, Any] = Field(description="The pack's other ledger fields, by the pack's field id.")
    note: str = Field(description="Notes (備考).")
    status: StatusValue
    status_label: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    operation_started_at: datetime.datetime | None
    retired_at: datetime.datetime | None


class ChangeOut(Schema):
    version: int
    changed_by_name: str
    changed_at: datetime.datetime
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str = Field(description="Why, in Japanese; a reason a person typed is as they typed it.")
    reason_en: str = Field(description="Why, in English; a reason a person typed is as they typed it.")


class EntryDetail(EntryOut):
    changes: list[ChangeOut] = Field(description="Every change, newest first.")
    steps: list[str] = Field(
        description="What you may do now: edit, start_operation, suspend, resume, retire."
    )


class LedgerFilters(Paging, Changed):
    """The ledger page's own filters (kumokan.ledger.forms.LedgerFilterForm), with the same values."""

    q: Text = Field("", max_length=200, description="Part of the service, function, provider or purpose.")
    department: Text | None = Field(None, max_length=50, description="A department's code.")
    department_id: Id | None = Field(None, description="A department's id (as department_id in the results).")
    status: StatusValue | None = None
    classification: Text | None = Field(None, max_length=20, description="A classification code.")
    track: TrackCode | None = None
    provider: Text | None = Field(None, max_length=200, description="A provider's name, exactly.")
    sort: Text = Field(
        "service",
        max_length=20,
        description="service, provider, department, classification, track, status, manager or updated; "
        "a leading - sorts descending.",
    )


class EntryUpdate(Schema):
    """Only the fields sent are changed (kumokan.ledger.actions.edit_entry), with the reason recorded."""

    model_config = ConfigDict(extra="forbid")

    version: int = Version
    reason: Required = Field(description="Why: kept in the entry's history.")
    purpose: Text | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    user_scope: UserScopeValue | None = None
    user_scope_detail: Text | None = None
    service_manager: Text | None = Field(None, max_length=150, description="The new manager's username.")
    fields: dict[str, Text] | None = Field(None, description="Pack ledger fields to change, by field id.")
    note: Text | None = Field(None, max_length=NOTE_MAX_LENGTH, description='Notes (備考); "" clears them.')


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    step: StepValue
    reason: Text = Field("", description="Required for every step but starting operation.")


def entry_data(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "municipality": entry.municipality.slug,
        "department_id": entry.department_id,
        "department": entry.department.code,
        "department_name": entry.department.name,
        "application": entry.application_id,
        "service_id": entry.service_id,
        "service_name": entry.service_name,
        "function_name": entry.function_name,
        "provider_name": entry.provider_name,
        "purpose": entry.purpose,
        "classification_code": entry.classification_code,
        "classification_label": entry.classification_label,
        "track": entry.track,
        "period_start": entry.period_start,
        "period_end": entry.period_end,
        "applicant": entry.applicant.get_username(),
        "applicant_name": entry.applicant_name,
        "applicant_department_name": entry.applicant_department_name,
        "user_scope": entry.user_scope,
        "user_scope_detail": entry.user_scope_detail,
        "service_manager": entry.service_manager.get_username(),
        "service_manager_name": entry.service_manager_name,
        "service_manager_title": entry.service_manager_title,
        "service_manager_department_name": entry.service_manager_department_name,
        "approver_title": entry.approver_title,
        "approved_at": entry.approved_at,
        "fields": entry.fields,
        "note": entry.note,
        "status": entry.status,
        "status_label": str(EntryStatus(entry.status).label),
        "version": entry.version,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "operation_started_at": entry.operation_started_at,
        "retired_at": entry.retired_at,
    }


def _detail(user: Any, entry: LedgerEntry) -> dict[str, Any]:
    steps = (
        [step.value for step in steps_from(entry.status)]
        if can(user, Capability.MANAGE_LEDGER, entry)
        else []
    )
    return entry_data(entry) | {
        "changes": [
            {
                "version": change.entry_version,
                "changed_by_name": change.changed_by_name,
                "changed_at": change.changed_at,
                "before": change.before,
                "after": change.after,
                "reason": rendered(change.reason_text, "ja"),
                "reason_en": rendered(change.reason_text, "en"),
            }
            for change in entry.changes.order_by("-entry_version")
        ],
        "steps": steps,
    }


def _entries(user: Any) -> Any:
    return entries_for(user).select_related("applicant", "service_manager")


def _managed_entry(user: Any, entry_id: int) -> LedgerEntry:
    """An entry the user may see (404 otherwise) and manage (403 otherwise), as the edit page checks."""
    entry = entry_for(user, entry_id)
    if not can(user, Capability.MANAGE_LEDGER, entry):
        raise PermissionDenied(
            _("Only the %(service_manager)s or an administrator may change this %(ledger)s entry.")
            % in_sentence(entry.municipality)
        )
    return entry


@router.get(
    "",
    response={200: Page[EntryOut], **errors(401, 403, 404, 422)},
    summary="List ledger entries",
    operation_id="list_ledger_entries",
    auth=requires(Capability.VIEW_LEDGER),
)
def list_entries(request: SignedInRequest, filters: Query[LedgerFilters]) -> dict[str, Any]:
    """The entries the ledger page lists: filtered, sorted and paged as it does (kumokan.ledger.paging)."""
    entries = _entries(request.user)
    municipalities = municipalities_granting(request.user, Capability.VIEW_LEDGER)
    data = {k: v for k, v in filters.model_dump().items() if v not in (None, "")}
    # The page's form filters by the department's id; the API, as everywhere, by its code.
    code = data.pop("department", None)
    if "department_id" in data:
        data["department"] = data.pop("department_id")
    form = LedgerFilterForm(data, entries=entries, municipalities=municipalities)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        field = "department_id" if field == "department" else field
        # In Japanese the form's own message (as the ledger page shows it); in English, which filter it was.
        wrong = interpolate(
            gettext_lazy("not a value the ledger can be filtered by: %(field)s"), {"field": field}
        )
        raise InvalidInput(in_both(str(messages[0]), rendered(wrong, "en")), field=field)
    if (
        code is not None
        and not Department.objects.filter(municipality__in=municipalities, code=code).exists()
    ):
        raise InvalidInput(
            gettext_lazy("there is no department %(code)s"),
            field="department",
            params={"code": as_typed(code)},
        )

    def narrowed(rows: Any) -> Any:
        if code is not None:
            rows = rows.filter(department__code=code)
        if filters.updated_since:
            rows = rows.filter(updated_at__gte=filters.updated_since)
        return rows

    columns, descending = form.sort_columns()
    # Counted as the ledger page counts (kumokan.ledger.views): without the joins the rows need.
    counted = narrowed(form.apply(entries, counting=True))
    # The department read after the page, not joined, as the ledger page does (kumokan.ledger.views).
    listed = (
        narrowed(form.apply(entries))
        .select_related(None)
        .select_related("applicant", "service_manager")
        .prefetch_related("department")
    )
    return paginate(listed, filters, entry_data, columns, descending, counted)


@router.get(
    "/{int:entry_id}",
    response={200: EntryDetail, **errors(401, 403, 404, 422)},
    summary="Read a ledger entry",
    operation_id="get_ledger_entry",
    auth=requires(Capability.VIEW_LEDGER),
)
def get_entry(request: SignedInRequest, entry_id: Id) -> dict[str, Any]:
    return _detail(request.user, entry_for(request.user, entry_id))


@router.patch(
    "/{int:entry_id}",
    response={200: EntryDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Change a ledger entry",
    operation_id="update_ledger_entry",
    auth=requires(Capability.MANAGE_LEDGER),
)
def update_entry(request: SignedInRequest, entry_id: Id, payload: EntryUpdate) -> dict[str, Any]:
    """kumokan.ledger.actions.edit_entry: the entry's service manager or an administrator."""
    entry = _managed_entry(request.user, entry_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"version", "reason"})
    for name in ("purpose", "user_scope", "user_scope_detail", "fields", "service_manager", "note"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    if "service_manager" in changes:
        # Looked up among the people the edit form offers only: anyone else, of another municipality
        # or of none, is the same 422, so the answer tells nothing about who exists elsewhere.
        username = changes["service_manager"]
        eligible = eligible_service_managers(entry.municipality, entry.department, entry.track)
        manager = eligible.filter(username=username).first()
        if manager is None:
            raise InvalidInput(
                gettext_lazy(
                    "%(username)s is not a person who can be designated %(service_manager)s of this "
                    "%(ledger)s entry"
                ),
                field="service_manager",
                params={"username": as_typed(username)} | in_sentence(entry.municipality),
            )
        changes["service_manager"] = manager
    entry = actions.edit_entry(
        acting_user=request.user,
        entry=entry,
        changes=changes,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request.user, entry_for(request.user, entry.pk))


@router.post(
    "/{int:entry_id}/steps",
    response={200: EntryDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Start operation, suspend, resume or retire",
    operation_id="take_ledger_step",
    auth=requires(Capability.MANAGE_LEDGER),
)
def take_step(request: SignedInRequest, entry_id: Id, payload: StepIn) -> dict[str, Any]:
    entry = _managed_entry(request.user, entry_id)
    entries.STEP_ACTIONS[EntryStep(payload.step)](
        acting_user=request.user, entry=entry, reason=payload.reason, expected_version=payload.version
    )
    return _detail(request.user, entry_for(request.user, entry_id))
