"""Incidents and their corrective actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message, refusal_on_form
from kumokan.ledger.access import entries_for, entry_for
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.access import is_member, may_correct
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES, entry_url
from kumokan.lifecycle.actions.incidents import (
    add_incident_note,
    close_corrective_action,
    close_incident,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.forms import (
    CloseCorrectiveForm,
    CorrectiveForm,
    IncidentForm,
    NoteForm,
    ResolutionForm,
)
from kumokan.lifecycle.models import (
    CorrectiveAction,
    Incident,
    Recheck,
)
from kumokan.lifecycle.schedule import settings_for
from kumokan.tenancy.permissions import Capability, can, municipalities_granting, requires
from kumokan.tenancy.vocabulary import vocabulary


@requires(Capability.REPORT_INCIDENT)
def incident_new(request: SignedInRequest) -> HttpResponse:
    entries = LedgerEntry.objects.filter(
        municipality__in=municipalities_granting(request.user, Capability.REPORT_INCIDENT),
        status__in=ACTIVE_STATUSES,
    ).order_by("service_name")
    form = IncidentForm(request.POST or None, entries=entries, initial={"entry": request.GET.get("entry")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form) as attempt:
            found = report_incident(
                acting_user=request.user,
                entry=data["entry"],
                title=data["title"],
                description=data["description"],
                occurred_at=data["occurred_at"],
            )
        if not attempt.refused:
            manager = vocabulary(found.entry.municipality).service_manager.lower()
            messages.success(
                request, _("The incident is reported to the %(manager)s.") % {"manager": manager}
            )
            return redirect(found)
    return render(request, "lifecycle/incident_new.html", {"form": form})


@requires(Capability.REPORT_INCIDENT)
def incident(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _incident_for(request.user, pk)
    note_form, resolution_form = NoteForm(), ResolutionForm()
    if request.method == "POST":
        step = request.POST.get("step")
        with refusal_as_message(request):
            if step == "handle":
                start_incident_handling(acting_user=request.user, incident=found)
            elif step == "note":
                note_form = NoteForm(request.POST)
                if not note_form.is_valid():
                    return _incident_page(request, found, note_form, resolution_form, status=400)
                add_incident_note(
                    acting_user=request.user, incident=found, text=note_form.cleaned_data["text"]
                )
            elif step == "close":
                resolution_form = ResolutionForm(request.POST)
                if not resolution_form.is_valid():
                    return _incident_page(request, found, note_form, resolution_form, status=400)
                close_incident(
                    acting_user=request.user,
                    incident=found,
                    resolution=resolution_form.cleaned_data["resolution"],
                )
            else:
                return HttpResponse(status=400)
        return redirect(found)
    return _incident_page(request, found, note_form, resolution_form)


@require_POST
@requires(Capability.VIEW_LEDGER)
def corrective_new(request: SignedInRequest, pk: int) -> HttpResponse:
    found = entry_for(request.user, pk)
    form = CorrectiveForm(request.POST, municipality=found.municipality)
    links = _linked(found, request.POST)
    if form.is_valid():
        with refusal_as_message(request) as attempt:
            open_corrective_action(acting_user=request.user, entry=found, **form.cleaned_data, **links)
        if not attempt.refused:
            messages.success(request, _("The corrective action is opened."))
    else:
        messages.error(request, _("The corrective action needs what, who and by when."))
    return redirect(links["incident"] or entry_url(found))


@require_POST
@requires(Capability.VIEW_LEDGER)
def corrective_close(request: SignedInRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(CorrectiveAction, pk=pk, entry__in=entries_for(request.user))
    form = CloseCorrectiveForm(request.POST, prefix=f"c{found.pk}")
    if form.is_valid():
        with refusal_as_message(request) as attempt:
            close_corrective_action(
                acting_user=request.user,
                action=found,
                corrected=form.cleaned_data["corrected"],
                result=form.cleaned_data["result"],
            )
        if not attempt.refused:
            messages.success(request, _("The corrective action is closed."))
    else:
        messages.error(request, _("Give the result."))
    return redirect(entry_url(found.entry))


def _incident_for(user: Any, pk: int) -> Incident:
    """An incident the user reported, or one on a service the user may see."""
    found = (
        Incident.objects.select_related("entry", "reported_by", "handled_by")
        .filter(Q(entry__in=entries_for(user)) | Q(reported_by=user))
        .filter(pk=pk)
        .first()
    )
    if found is None or not is_member(user, found.entry.municipality):
        raise Http404
    return found


def _incident_page(
    request: SignedInRequest,
    found: Incident,
    note_form: NoteForm,
    resolution_form: ResolutionForm,
    status: int = 200,
) -> HttpResponse:
    manage = can(request.user, Capability.MANAGE_LEDGER, found.entry)
    return render(
        request,
        "lifecycle/incident.html",
        {
            "incident": found,
            "notes": found.notes.select_related("written_by"),
            "rechecks": found.rechecks.all(),
            "corrective_actions": found.corrective_actions.select_related("owner"),
            "close_forms": {
                c.pk: CloseCorrectiveForm(prefix=f"c{c.pk}") for c in found.corrective_actions.all()
            },
            "procedure": settings_for(found.entry.municipality).incident_procedure,
            "may_handle": manage,
            "may_correct": found.entry.status in ACTIVE_STATUSES and may_correct(request.user, found.entry),
            "note_form": note_form,
            "resolution_form": resolution_form,
            "corrective_form": CorrectiveForm(
                municipality=found.entry.municipality,
                initial={
                    "owner": found.entry.service_manager,
                    "deadline": timezone.localdate() + datetime.timedelta(days=30),
                },
            ),
        },
        status=status,
    )


def _linked(entry: LedgerEntry, data: Any) -> dict[str, Any]:
    """The incident or re-check a corrective action comes from (of the same service), if named."""
    incident_id, recheck_id = _id(data.get("incident")), _id(data.get("recheck"))
    incident = (
        Incident.objects.filter(pk=incident_id, entry=entry).first() if incident_id is not None else None
    )
    recheck = Recheck.objects.filter(pk=recheck_id, entry=entry).first() if recheck_id is not None else None
    return {"incident": incident, "recheck": recheck}


def _id(value: Any) -> int | None:
    """A posted id, or None for anything that is not one (a tampered form must not become a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
