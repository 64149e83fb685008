"""The ledger (台帳) on the web: the searchable list, an entry with every change, the manager's edits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Field
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.applications.choices import Outcome, Track, UserScope
from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_on_form
from kumokan.ledger import actions
from kumokan.ledger.access import entries_for, entry_for
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.forms import EntryForm, LedgerFilterForm, track_choices
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.ledger.paging import PAGE_SIZE, page_of
from kumokan.ledger.workflow import steps_from
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, can, municipalities_granting, requires
from kumokan.tenancy.vocabulary import classification_labels, in_sentence, vocabulary

__all__ = ["PAGE_SIZE"]  # the API pages its lists by the ledger page's size (kumokan.api.pages)
COLUMNS = (
    ("service", gettext_lazy("Service")),
    ("provider", gettext_lazy("Provider")),
    ("department", gettext_lazy("Department")),
    ("classification", gettext_lazy("Classification")),
    ("track", gettext_lazy("Track")),
    ("manager", gettext_lazy("Service manager")),
    ("status", gettext_lazy("Status")),
    ("updated", gettext_lazy("Updated")),
)
# The status steps are lifecycle's (kumokan.lifecycle.actions.entries), which checks its gate.
STEP_URLS = {
    EntryStep.START_OPERATION: "lifecycle:start",
    EntryStep.SUSPEND: "lifecycle:suspend",
    EntryStep.RESUME: "lifecycle:resume",
    EntryStep.RETIRE: "lifecycle:retire",
}
# Values that read better by their label than by their code in the change history.
_CHOICE_LABELS: dict[str, Any] = {"status": EntryStatus, "user_scope": UserScope, "track": Track}


@requires(Capability.VIEW_LEDGER)
def ledger(request: SignedInRequest) -> HttpResponse:
    entries = entries_for(request.user)
    municipalities = municipalities_granting(request.user, Capability.VIEW_LEDGER)
    form = LedgerFilterForm(
        request.GET or None, entries=entries, municipalities=municipalities, reader=request.user
    )
    columns, descending = form.sort_columns()
    # The list shows no municipality. Joined to it by a bound parameter, SQLite may take the municipality
    # as the outer loop and sort every entry instead of walking the list's index (BENCHMARKS.md); the
    # department likewise: joined for its name, SQLite looped over the departments and sorted every
    # entry matching the filters (124 ms at 100,000 entries), so its name is read after the page.
    listed = form.apply(entries).select_related(None).prefetch_related("department")
    page = page_of(listed, columns, descending, request.GET, counted=form.apply(entries, counting=True))
    if page.unreadable_cursor:
        messages.warning(
            request, _("The page position in the link could not be read; the first page is shown.")
        )
    filtered = any(key not in ("page", "after", "before") for key in request.GET)
    return render(
        request,
        "ledger/list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page.object_list, municipalities),
            "columns": _columns(form.ordering, municipalities),
            "filtered": filtered,
        },
    )


def _rows(entries: list[LedgerEntry], municipalities: list[Municipality]) -> list[dict[str, Any]]:
    """The list's rows as the table shows them, each label resolved once per page rather than once per
    cell (a lazy label and a method call per cell were a third of the page's rendering, issue 18); the
    track as the filter names it (the city's short words, issue 17)."""
    tracks = dict(track_choices(municipalities))
    statuses = {value: str(label) for value, label in EntryStatus.choices}
    # A classification as the reader reads it (the pack's English on an English page), by the entry's
    # city and code; the label the entry kept where its pack no longer has the code.
    levels = {municipality.pk: classification_labels(municipality) for municipality in municipalities}
    return [
        {
            "url": entry.get_absolute_url(),
            "name": str(entry),
            "provider": entry.provider_name,
            "department": entry.department.name,
            "classification": levels.get(entry.municipality_id, {}).get(
                entry.classification_code, entry.classification_label
            ),
            "track": entry.track,
            "track_label": tracks.get(entry.track, entry.track),
            "manager": entry.service_manager_name,
            "manager_title": entry.service_manager_title,
            "status": entry.status,
            "status_label": statuses.get(entry.status, entry.status),
            "updated_at": entry.updated_at,
        }
        for entry in entries
    ]


def _columns(sort: str, municipalities: list[Municipality]) -> list[dict[str, Any]]:
    """Each sortable column header: its label, the sort its link asks for, and its aria-sort state; the
    provider and the manager as the one city's rules name them (Kobe: 外部サービス提供者, 外部サービス管理者)."""
    words = vocabulary(municipalities[0] if len(municipalities) == 1 else None)
    worded: dict[str, str | Promise] = {"provider": words.provider_label(), "manager": words.service_manager}
    columns = []
    for key, generic in COLUMNS:
        label = worded.get(key, generic)
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else None
        columns.append(
            {
                "key": key,
                "label": label,
                "next": f"-{key}" if state == "ascending" else key,
                "aria_sort": state,
            }
        )
    return columns


@requires(Capability.VIEW_LEDGER)
def entry_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    entry = entry_for(request.user, pk)
    labels = _field_labels(entry)
    manage = can(request.user, Capability.MANAGE_LEDGER, entry)
    steps = [step for step in steps_from(entry.status) if step != EntryStep.EDIT] if manage else []
    return render(
        request,
        "ledger/detail.html",
        {
            "entry": entry,
            "pack_fields": [(labels.get(key, key), value) for key, value in entry.fields.items()],
            "changes": [_change_rows(change, labels) for change in entry.changes.order_by("-entry_version")],
            "may_manage": manage,
            "may_edit": manage and EntryStep.EDIT in steps_from(entry.status),
            "steps": [
                (step, EntryStep(step).label, reverse(STEP_URLS[step], args=[entry.pk]), entry.version)
                for step in steps
            ],
        },
    )


@requires(Capability.MANAGE_LEDGER)
def edit_entry(request: SignedInRequest, pk: int) -> HttpResponse:
    entry = entry_for(request.user, pk)
    if not can(request.user, Capability.MANAGE_LEDGER, entry):
        raise PermissionDenied(
            _("Only the %(service_manager)s or an administrator may change this %(ledger)s entry.")
            % in_sentence(entry.municipality)
        )
    form = EntryForm(request.POST or None, entry=entry, field_labels=_field_labels(entry))
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, fields={"period": "period_end"}) as attempt:
            actions.edit_entry(
                acting_user=request.user,
                entry=entry,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        if not attempt.refused:
            messages.success(request, _("The %(ledger)s entry is updated.") % in_sentence(entry.municipality))
            return redirect(entry)
    return render(request, "ledger/edit.html", {"entry": entry, "form": form})


def _field_labels(entry: LedgerEntry) -> dict[str, str]:
    """The pack's labels of its ledger fields, from the judgment the entry was approved under."""
    decision = (
        entry.application.decisions.filter(outcome=Outcome.APPROVED)
        .select_related("snapshot__document")
        .first()
    )
    if decision is None:
        return {}
    return {field["id"]: field["label"] for field in decision.snapshot.judgment.get("ledger_fields", [])}


def _change_rows(change: LedgerChange, labels: dict[str, str]) -> dict[str, Any]:
    """One change as the history shows it: who, when, why, and each field's value before → after."""
    rows = []
    for name in dict.fromkeys([*change.before, *change.after]):
        before, after = change.before.get(name), change.after.get(name)
        if name == "fields":
            for key in dict.fromkeys([*(before or {}), *(after or {})]):
                old, new = (before or {}).get(key, ""), (after or {}).get(key, "")
                if old != new:
                    rows.append((labels.get(key, key), old, new))
        elif name != "service_manager":  # its name, title and department are the readable columns
            rows.append((_field_label(name), _readable(name, before), _readable(name, after)))
    return {"change": change, "rows": rows}


def _field_label(name: str) -> str:
    try:
        field = LedgerEntry._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    # A reverse relation (another model's key to the entry) has no verbose name of its own.
    return str(field.verbose_name) if isinstance(field, Field) else name


def _readable(name: str, value: Any) -> Any:
    choices = _CHOICE_LABELS.get(name)
    if choices is not None and value in choices.values:
        return choices(value).label
    if value in (None, ""):
        return "—"
    if isinstance(value, str) and "T" in value:
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(localtime(moment), "Y-m-d H:i")
    return value
