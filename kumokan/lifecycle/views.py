"""The pages of a service's life after approval: thin views over kumokan.lifecycle.actions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from kumokan.catalog.models import Provider
from kumokan.core.permissions import Capability, can, municipalities_granting, requires
from kumokan.core.private_files import attachment
from kumokan.core.refusals import refusal_as_message, refusal_on_form, show_as_messages
from kumokan.errors import WorkflowError
from kumokan.ledger.access import entries_for, entry_for
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.models import LedgerEntry
from kumokan.ledger.workflow import transition
from kumokan.lifecycle import entries
from kumokan.lifecycle.access import governs, is_member
from kumokan.lifecycle.actions import tasks as tasks_actions
from kumokan.lifecycle.actions.calendar import regenerate_calendar_feed
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES, entry_url
from kumokan.lifecycle.actions.configuration import configure_lifecycle
from kumokan.lifecycle.actions.incidents import (
    add_incident_note,
    close_corrective_action,
    close_incident,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.actions.tasks import TaskConfirmation, assign_task, confirm_tasks, decide_task
from kumokan.lifecycle.actions.termination import (
    approve_termination,
    complete_termination,
    confirm_accounts,
    record_disposal,
    record_termination_plan,
    record_user_notice,
    request_termination,
    termination_approvers,
)
from kumokan.lifecycle.calendar import feed_for
from kumokan.lifecycle.choices import (
    OrderScope,
    RecheckStatus,
    TaskPhase,
    TaskStatus,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.dashboard import dashboard_for
from kumokan.lifecycle.forms import (
    AccountsForm,
    AssignForm,
    CloseCorrectiveForm,
    CompletionForm,
    CorrectiveForm,
    DisposalForm,
    GateForm,
    IncidentForm,
    NoteForm,
    NoticeForm,
    OrderForm,
    PackAdoptForm,
    PackUploadForm,
    PlanForm,
    RecheckAnswerForm,
    ResolutionForm,
    SettingsForm,
    StepForm,
    TaskForm,
    TerminationApprovalForm,
    TerminationRequestForm,
)
from kumokan.lifecycle.gates import operation_blockers
from kumokan.lifecycle.models import (
    CalendarFeed,
    ChecklistTask,
    CorrectiveAction,
    Incident,
    Recheck,
    RecheckOrder,
    Termination,
)
from kumokan.lifecycle.revisions import change_words, preview_revision
from kumokan.lifecycle.schedule import settings_for
from kumokan.policy import text_digest
from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion

# The checklists shown unfolded on a service's page: those of the phase it is in.
CURRENT_PHASES = {
    EntryStatus.APPROVED: (TaskPhase.PROCUREMENT, TaskPhase.BUILD),
    EntryStatus.IN_OPERATION: (TaskPhase.OPERATION,),
    EntryStatus.SUSPENDED: (TaskPhase.OPERATION,),
    EntryStatus.RETIRED: (TaskPhase.TERMINATION,),
}


# ── the ledger entry's status steps ─────────────────────────────────────────────────────────


@require_POST
@requires(Capability.MANAGE_LEDGER)
def change_status(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Start operation, suspend, resume or retire: asked again, then taken by kumokan.lifecycle.entries."""
    entry = entry_for(request.user, pk)
    if not can(request.user, Capability.MANAGE_LEDGER, entry):
        raise PermissionDenied(_("Only the service manager or an administrator may change this entry."))
    form = StepForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    with refusal_as_message(request) as attempt:
        move = transition(entry.status, EntryStep(step))
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
            request, _("The entry is now “%(status)s”.") % {"status": EntryStatus(move.target).label}
        )
    return redirect(entry)


# ── the dashboard and the calendar ──────────────────────────────────────────────────────────────


@require_safe
@requires(Capability.HOME)
def dashboard(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.HOME)
    chosen = next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
    return render(
        request,
        "lifecycle/dashboard.html",
        {
            "municipalities": municipalities,
            "board": dashboard_for(request.user, chosen, full=request.GET.get("all")),
        },
    )


@requires(Capability.HOME)
def calendar(request: HttpRequest) -> HttpResponse:
    """The user's secret calendar address, made or replaced on request."""
    if request.method == "POST":
        regenerate_calendar_feed(acting_user=request.user)
        messages.success(request, _("A new calendar address was made; the old one no longer works."))
        return redirect("lifecycle:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = request.build_absolute_uri(reverse("lifecycle:feed", args=[feed.token])) if feed else ""
    return render(request, "lifecycle/calendar.html", {"feed": feed, "address": address})


@never_cache
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: no login, the secret token is the key, and it shows only its owner's items."""
    owner = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token).user
    if not owner.is_active:
        raise Http404
    response = HttpResponse(
        feed_for(owner, request.build_absolute_uri("/")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="kumokan.ics"'
    return response


# ── one service's life ──────────────────────────────────────────────────────────────────────────


@require_safe
@requires(Capability.VIEW_LEDGER)
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "lifecycle/entry.html", _entry_context(request, entry_for(request.user, pk)))


@require_POST
@requires(Capability.VIEW_LEDGER)
def confirm_gate(request: HttpRequest, pk: int) -> HttpResponse:
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
        "may_correct": found.status in ACTIVE_STATUSES
        and (manage or governs(request.user, found.municipality)),
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
def open_checklists(request: HttpRequest, pk: int) -> HttpResponse:
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


@requires(Capability.VIEW_LEDGER)
def task(request: HttpRequest, pk: int) -> HttpResponse:
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
def assign(request: HttpRequest, pk: int) -> HttpResponse:
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
def task_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    found = _task_for(request.user, pk)
    return attachment(found.evidence, found.evidence_name or "evidence")


# ── re-checks and orders ────────────────────────────────────────────────────────────────────────


@requires(Capability.VIEW_LEDGER)
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Recheck.objects.select_related("entry", "order", "incident", "answered_by"),
        pk=pk,
        entry__in=entries_for(request.user),
    )
    form = RecheckAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            answer_recheck(
                acting_user=request.user,
                recheck=found,
                result=form.cleaned_data["result"],
                note=form.cleaned_data["note"],
            )
        if not attempt.refused:
            messages.success(request, _("Your answer is recorded."))
            return redirect(found.order or found)
    return render(
        request,
        "lifecycle/recheck.html",
        {
            "recheck": found,
            "form": form,
            "may_answer": found.status == RecheckStatus.OPEN
            and found.entry.service_manager_id == request.user.pk,
            # Kobe §6.2: what does not conform is corrected (or the use stops).
            "may_correct": found.status == RecheckStatus.NONCONFORMING
            and found.entry.status in ACTIVE_STATUSES
            and (
                can(request.user, Capability.MANAGE_LEDGER, found.entry)
                or governs(request.user, found.entry.municipality)
            ),
            "corrective_form": CorrectiveForm(
                municipality=found.entry.municipality,
                initial={
                    "description": found.answer_note,
                    "owner": found.entry.service_manager,
                    "deadline": timezone.localdate() + datetime.timedelta(days=30),
                },
            ),
            "today": timezone.localdate(),
        },
    )


@require_safe
@requires(Capability.ORDER_RECHECK, Capability.MANAGE_LEDGER)
def orders(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lifecycle/orders.html",
        {
            "orders": _orders_for(request.user).select_related("ordered_by"),
            "may_order": bool(municipalities_granting(request.user, Capability.ORDER_RECHECK)),
        },
    )


@requires(Capability.ORDER_RECHECK)
def order_new(request: HttpRequest) -> HttpResponse:
    municipality = _governed_municipality(request)
    entries = LedgerEntry.objects.filter(municipality=municipality, status__in=ACTIVE_STATUSES).order_by(
        "service_name"
    )
    providers = Provider.objects.filter(
        municipality=municipality, services__ledger_entries__status__in=ACTIVE_STATUSES
    ).distinct()
    form = OrderForm(request.POST or None, entries=entries, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = data["scope"] == OrderScope.SERVICE
        with refusal_on_form(form) as attempt:
            order = order_recheck(
                acting_user=request.user,
                municipality=municipality,
                trigger=data["trigger"],
                details=data["details"],
                due_date=data["due_date"],
                entry=data["entry"] if service else None,
                provider=None if service else data["provider"],
            )
        if not attempt.refused:
            messages.success(
                request,
                _("The re-check is ordered from %(count)s service(s).") % {"count": order.rechecks.count()},
            )
            return redirect(order)
    return render(request, "lifecycle/order_new.html", {"form": form, "municipality": municipality})


@require_safe
@requires(Capability.ORDER_RECHECK, Capability.MANAGE_LEDGER)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        _orders_for(request.user).select_related("ordered_by", "provider", "entry"), pk=pk
    )
    rechecks = found.rechecks.select_related("entry", "answered_by").order_by("entry__service_name", "id")
    answered = sum(1 for r in rechecks if r.status != RecheckStatus.OPEN)
    return render(
        request,
        "lifecycle/order.html",
        {"order": found, "rechecks": rechecks, "answered": answered, "user_pk": request.user.pk},
    )


# ── incidents and corrective actions ────────────────────────────────────────────────────────────


@requires(Capability.REPORT_INCIDENT)
def incident_new(request: HttpRequest) -> HttpResponse:
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
            messages.success(request, _("The incident is reported to the service manager."))
            return redirect(found)
    return render(request, "lifecycle/incident_new.html", {"form": form})


@requires(Capability.REPORT_INCIDENT)
def incident(request: HttpRequest, pk: int) -> HttpResponse:
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
def corrective_new(request: HttpRequest, pk: int) -> HttpResponse:
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
def corrective_close(request: HttpRequest, pk: int) -> HttpResponse:
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


# ── termination ─────────────────────────────────────────────────────────────────────────────────


@requires(Capability.VIEW_LEDGER)
def termination(request: HttpRequest, pk: int) -> HttpResponse:
    found = entry_for(request.user, pk)
    current = Termination.objects.filter(entry=found).first()
    request_form = TerminationRequestForm(request.POST or None)
    if request.method == "POST" and current is None and request_form.is_valid():
        with refusal_on_form(request_form) as attempt:
            request_termination(
                acting_user=request.user, entry=found, reason=request_form.cleaned_data["reason"]
            )
        if not attempt.refused:
            messages.success(request, _("The end of use is recorded. Record each step below."))
            return redirect("lifecycle:termination", pk=found.pk)
    return render(
        request, "lifecycle/termination.html", _termination_context(request, found, current, request_form)
    )


@require_POST
@requires(Capability.VIEW_LEDGER)
def termination_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The approver the pack names approves the application to stop the use (Kobe §7.1①)."""
    found = entry_for(request.user, pk)
    current = get_object_or_404(Termination, entry=found)
    form = TerminationApprovalForm(request.POST, prefix="approval")
    if form.is_valid():
        with refusal_on_form(form) as attempt:
            approve_termination(acting_user=request.user, termination=current, note=form.cleaned_data["note"])
        if not attempt.refused:
            messages.success(request, _("The application to stop the use is approved."))
            return redirect("lifecycle:termination", pk=found.pk)
    context = _termination_context(request, found, current, TerminationRequestForm())
    context["approval_form"] = form
    return render(request, "lifecycle/termination.html", context, status=400)


@require_POST
@requires(Capability.MANAGE_LEDGER)
def termination_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    found = entry_for(request.user, pk)
    current = get_object_or_404(Termination, entry=found)
    if not can(request.user, Capability.MANAGE_LEDGER, found):
        raise PermissionDenied(_("Only the service manager or an administrator may record the termination."))
    handler = _STEP_HANDLERS.get(step)
    if handler is None:
        raise Http404
    form_class, act = handler
    form = form_class(request.POST, request.FILES, prefix=step)
    if form.is_valid():
        with refusal_on_form(form) as attempt:
            act(request, current, step, form.cleaned_data)
        if not attempt.refused:
            if step == "complete":
                messages.success(
                    request, _("The use has ended: the service is retired and stays in the ledger.")
                )
            else:
                messages.success(request, _("The step is recorded."))
            return redirect("lifecycle:termination", pk=found.pk)
    context = _termination_context(request, found, current, TerminationRequestForm())
    context["forms"][step] = form
    return render(request, "lifecycle/termination.html", context, status=400)


@require_safe
@requires(Capability.VIEW_LEDGER)
def termination_plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = entry_for(request.user, pk)
    current = get_object_or_404(Termination, entry=found)
    return attachment(current.plan_file, current.plan_file_name or "plan")


# ── settings ────────────────────────────────────────────────────────────────────────────────────


@requires(Capability.CONFIGURE_LIFECYCLE)
def lifecycle_settings(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE)
    municipality = next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
    current = settings_for(municipality)
    form = SettingsForm(
        request.POST or None,
        initial={
            "default_recheck_interval_months": current.default_recheck_interval_months,
            "reminder_days": current.reminder_days,
            "triggered_recheck_days": current.triggered_recheck_days,
            "incident_procedure": current.incident_procedure,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            configure_lifecycle(acting_user=request.user, municipality=municipality, **form.cleaned_data)
        if not attempt.refused:
            messages.success(request, _("The settings are saved."))
            return redirect(f"{reverse('lifecycle:settings')}?m={municipality.slug}")
    return render(request, "lifecycle/settings.html", {"form": form, "municipality": municipality})


# ── pack revisions (issue 19 point 5) ───────────────────────────────────────────────────────────


def _administered(request: HttpRequest) -> Municipality:
    municipalities = municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE)
    wanted = request.GET.get("m") or request.POST.get("m")
    return next((m for m in municipalities if m.slug == wanted), municipalities[0])


@requires(Capability.CONFIGURE_LIFECYCLE)
def packs(request: HttpRequest) -> HttpResponse:
    """The versions of the municipality's packs and their adoptions, and the upload of a revision to preview."""
    municipality = _administered(request)
    form = PackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _pack_preview(request, municipality, form.cleaned_data["file"])
    versions = list(PackVersion.objects.filter(municipality=municipality).select_related("adopted_by"))
    in_force = {municipality.adopted_version(pack_id) for pack_id in municipality.pack_ids()}
    adoptions = PackAdoption.objects.filter(municipality=municipality).select_related(
        "version", "previous", "adopted_by"
    )
    return render(
        request,
        "lifecycle/packs.html",
        {
            "municipality": municipality,
            "form": form,
            "versions": [(version, version in in_force) for version in versions],
            "adoptions": adoptions.order_by("-id")[:100],
        },
    )


@require_POST
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_return(request: HttpRequest, pk: int) -> HttpResponse:
    """What going back to an adopted version would do; adopting it again is confirmed on that page."""
    version = get_object_or_404(
        PackVersion.objects.select_related("municipality"),
        pk=pk,
        municipality__in=municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE),
    )
    return _pack_preview(request, version.municipality, version.text)


def _pack_preview(request: HttpRequest, municipality: Municipality, text: str) -> HttpResponse:
    preview = preview_revision(acting_user=request.user, municipality=municipality, text=text)
    return render(
        request,
        "lifecycle/pack_preview.html",
        {
            "municipality": municipality,
            "preview": preview,
            "items": [change_words(c) for c in preview.diff.items] if preview.diff else [],
            "rechecks": [change_words(c) for c in preview.diff.rechecks] if preview.diff else [],
            "affected": [(e, [change_words(c) for c in cs]) for e, cs in preview.affected],
            "adopt_form": PackAdoptForm(initial=PackAdoptForm.initial_for(preview.text, preview.digest)),
        },
    )


@require_POST
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_adopt(request: HttpRequest) -> HttpResponse:
    municipality = _administered(request)
    form = PackAdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The revision to adopt was not sent; upload it again."))
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    text = form.cleaned_data["text"]
    if text_digest(text) != form.cleaned_data["digest"]:
        messages.error(request, _("The revision changed after its preview; upload it again."))
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    with refusal_as_message(request) as attempt:
        version, rechecks = adopt_pack_version(acting_user=request.user, municipality=municipality, text=text)
    if attempt.refused:
        return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")
    messages.success(
        request,
        _("Adopted %(pack)s %(version)s: %(count)d re-checks opened.")
        % {"pack": version.pack_id, "version": version.version, "count": len(rechecks)},
    )
    return redirect(f"{reverse('lifecycle:packs')}?m={municipality.slug}")


@require_safe
@requires(Capability.CONFIGURE_LIFECYCLE)
def pack_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(
        PackVersion.objects.select_related("municipality", "adopted_by"),
        pk=pk,
        municipality__in=municipalities_granting(request.user, Capability.CONFIGURE_LIFECYCLE),
    )
    return render(request, "lifecycle/pack_version.html", {"version": version})


# ── helpers ─────────────────────────────────────────────────────────────────────────────────────


def _blocker_tasks(entry: LedgerEntry, tasks: list[ChecklistTask]) -> list[tuple[dict[str, Any], Any]]:
    """Each item still closing the gate, with its task (None if the task was never opened)."""
    by_item = {(t.pack_id, t.item_id): t for t in tasks}
    return [(item, by_item.get((item["pack"], item["id"]))) for item in operation_blockers(entry)]


def _task_for(user: Any, pk: int) -> ChecklistTask:
    return get_object_or_404(
        ChecklistTask.objects.select_related("entry", "responsible", "confirmed_by"),
        pk=pk,
        entry__in=entries_for(user),
    )


def _task_context(request: HttpRequest, task: ChecklistTask, **forms: Any) -> dict[str, Any]:
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


def _orders_for(user: Any) -> QuerySet[RecheckOrder]:
    """Orders of the municipalities the user governs, and those asking the user for an answer."""
    governed = municipalities_granting(user, Capability.ORDER_RECHECK)
    return RecheckOrder.objects.filter(
        Q(municipality__in=governed) | Q(rechecks__entry__service_manager=user)
    ).distinct()


def _governed_municipality(request: HttpRequest) -> Municipality:
    municipalities = municipalities_granting(request.user, Capability.ORDER_RECHECK)
    return next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])


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
    request: HttpRequest,
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
            "may_correct": found.entry.status in ACTIVE_STATUSES
            and (manage or governs(request.user, found.entry.municipality)),
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
    incident = Incident.objects.filter(pk=_id(data.get("incident")), entry=entry).first()
    recheck = Recheck.objects.filter(pk=_id(data.get("recheck")), entry=entry).first()
    return {"incident": incident, "recheck": recheck}


def _id(value: Any) -> int | None:
    """A posted id, or None for anything that is not one (a tampered form must not become a 500)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _termination_context(
    request: HttpRequest,
    found: LedgerEntry,
    current: Termination | None,
    request_form: TerminationRequestForm,
) -> dict[str, Any]:
    manage = can(request.user, Capability.MANAGE_LEDGER, found)
    open_steps = current.open_steps() if current else []
    awaiting_approval = bool(current and current.approval_required and current.approved_at is None)
    return {
        "entry": found,
        "termination": current,
        "may_manage": manage,
        "awaiting_approval": awaiting_approval,
        "may_approve": awaiting_approval
        and current is not None
        and current.status == TerminationStatus.IN_PROGRESS
        and termination_approvers(current).filter(pk=request.user.pk).exists(),
        "approval_form": TerminationApprovalForm(prefix="approval"),
        "may_request": manage and current is None and found.status in ACTIVE_STATUSES,
        "request_form": request_form,
        "open_steps": open_steps,
        "termination_items": found.tasks.filter(phase=TaskPhase.TERMINATION),
        "forms": {
            "plan": PlanForm(prefix="plan", initial={"text": current.plan_text} if current else None),
            "notice": NoticeForm(prefix="notice", initial={"notified_on": timezone.localdate()}),
            "disposal": DisposalForm(
                prefix="disposal",
                initial={"method": "crypto_erase"} if current and current.crypto_erase_required else None,
            ),
            **{step: AccountsForm(prefix=step) for step in _ACCOUNT_STEPS},
            "complete": CompletionForm(prefix="complete"),
        },
    }


def _plan(request: HttpRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_termination_plan(
        acting_user=request.user, termination=current, text=data["text"], document=data["document"]
    )


def _notice(request: HttpRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_user_notice(
        acting_user=request.user, termination=current, notified_on=data["notified_on"], note=data["note"]
    )


def _disposal(request: HttpRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_disposal(acting_user=request.user, termination=current, **data)


def _accounts(request: HttpRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    confirm_accounts(acting_user=request.user, termination=current, step=step, outcome=data["outcome"])


def _complete(request: HttpRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    complete_termination(acting_user=request.user, termination=current, note=data["note"])


_ACCOUNT_STEPS = (
    TerminationStep.USER_ACCOUNTS.value,
    TerminationStep.ADMIN_ACCOUNTS.value,
    TerminationStep.SPECIAL_ACCOUNTS.value,
)
# Each step's form (bound with the step as its prefix, so that field ids stay unique on the page).
_STEP_HANDLERS: dict[str, tuple[Callable[..., Any], Callable[..., None]]] = {
    "plan": (PlanForm, _plan),
    "notice": (NoticeForm, _notice),
    "disposal": (DisposalForm, _disposal),
    **{step: (AccountsForm, _accounts) for step in _ACCOUNT_STEPS},
    "complete": (CompletionForm, _complete),
}
