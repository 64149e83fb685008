"""The procurement tools on the web: plan a procurement, survey, procurement method, SLA, settings checklist,
the special-terms annex and the contractor's answers, and the responsibility split for reference.

Each view parses its input with a form, calls one action (kumokan.procurement.actions) and renders; who may
do what is kumokan.tenancy.permissions' table, and objects are fetched for the user (access.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.core.answers import item_key
from kumokan.core.refusals import refusal_as_message, refusal_on_form, show_denial_on_form, show_on_form
from kumokan.documents.pdf import render_pdf
from kumokan.documents.printed import PrintedForm
from kumokan.documents.xlsx_forms import render_xlsx
from kumokan.errors import WorkflowError, reads_english
from kumokan.ledger.access import entries_for
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.schedule import settings_for
from kumokan.policy import FactsError
from kumokan.policy.pack import Phase
from kumokan.policy.schemas import Judgment, checklist
from kumokan.procurement import actions
from kumokan.procurement.access import (
    annex_for,
    planned_procurement,
    planning_departments,
    procurement_for,
    procurements_for,
)
from kumokan.procurement.forms import (
    AnnexAnswersForm,
    LedgerEntryForm,
    ProcurementForm,
    SlaForm,
    SurveyForm,
    describe,
)
from kumokan.procurement.judging import (
    by_section,
    findings_to_justify,
    judge_procurement,
    own_items,
    sla_rows,
)
from kumokan.procurement.models import Procurement
from kumokan.procurement.printing import annex_form, settings_checklist_form
from kumokan.procurement.responsibility import responsibility_matrix
from kumokan.procurement.sla import SlaSheet, render_sla_pdf, render_sla_xlsx, sla_sheet
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires
from kumokan.tenancy.vocabulary import in_sentence, vocabulary


def _municipality(request: SignedInRequest, capability: Capability) -> Municipality:
    municipalities = municipalities_granting(request.user, capability)
    if not municipalities:
        raise PermissionDenied
    return municipalities[0]


def _may_plan(request: SignedInRequest, procurement: Procurement) -> bool:
    return (
        planning_departments(request.user, procurement.municipality)
        .filter(pk=procurement.department_id)
        .exists()
    )


def _context(request: SignedInRequest, procurement: Procurement, tab: str, **extra: Any) -> dict[str, Any]:
    """What every page of one procurement shows: the procurement, its facts in words, the tabs."""
    return {
        "procurement": procurement,
        "facts": describe(procurement.facts),
        "tab": tab,
        "may_plan": _may_plan(request, procurement),
        # The city's words for the service and its provider (Kobe: 外部サービスの名称, 外部サービス提供者).
        "words": vocabulary(procurement.municipality),
        **extra,
    }


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pdf(form: PrintedForm) -> HttpResponse:
    return _download(render_pdf(form), "application/pdf", f"{form.filename}.pdf")


def _xlsx(form: PrintedForm) -> HttpResponse:
    return _download(render_xlsx(form), XLSX, f"{form.filename}.xlsx")


# ── the list and the facts ──────────────────────────────────────────────────


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def procurement_list(request: SignedInRequest) -> HttpResponse:
    municipality = _municipality(request, Capability.VIEW_PROCUREMENT)
    return render(
        request,
        "procurement/list.html",
        {
            "procurements": procurements_for(request.user).order_by("-updated_at", "-id"),
            "may_plan": planning_departments(request.user, municipality).exists(),
        },
    )


@requires(Capability.PLAN_PROCUREMENT)
def new_procurement(request: SignedInRequest) -> HttpResponse:
    municipality = _municipality(request, Capability.PLAN_PROCUREMENT)
    departments = planning_departments(request.user, municipality)
    form = ProcurementForm(request.POST or None, municipality=municipality, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            procurement = actions.plan_procurement(
                acting_user=request.user,
                municipality=municipality,
                department=form.cleaned_data["department"],
                title=form.cleaned_data["title"],
                facts=form.facts(),
            )
        except FactsError as exc:
            form.add_problems(exc.problems, reads_english())
        except WorkflowError as exc:
            show_on_form(form, exc)
        except PermissionDenied as exc:
            show_denial_on_form(form, exc)
        else:
            messages.success(request, _("The procurement is saved."))
            return redirect(procurement)
    return render(request, "procurement/facts.html", {"form": form, "municipality": municipality})


@requires(Capability.PLAN_PROCUREMENT)
def edit_procurement(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = planned_procurement(request.user, pk)
    form = ProcurementForm(
        request.POST or None,
        municipality=procurement.municipality,
        initial=ProcurementForm.initial_for_procurement(procurement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_procurement(
                acting_user=request.user,
                procurement=procurement,
                title=form.cleaned_data["title"],
                facts=form.facts(),
            )
        except FactsError as exc:
            form.add_problems(exc.problems, reads_english())
        except WorkflowError as exc:
            show_on_form(form, exc)
        except PermissionDenied as exc:
            show_denial_on_form(form, exc)
        else:
            messages.success(request, _("The procurement is saved."))
            return redirect(procurement)
    return render(
        request,
        "procurement/facts.html",
        {"form": form, "municipality": procurement.municipality, "procurement": procurement},
    )


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    return render(
        request,
        "procurement/detail.html",
        _context(
            request,
            procurement,
            "overview",
            judgment=judgment,
            annexes=procurement.annexes.all(),
        ),
    )


# ── the survey worksheet ────────────────────────────────────────────────────


@requires(Capability.VIEW_PROCUREMENT)
def survey(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    items = checklist(judgment, Phase.SELECTION)
    findings = findings_to_justify(judgment)
    if request.method == "POST" and not _may_plan(request, procurement):
        raise PermissionDenied
    form = SurveyForm(request.POST or None, procurement=procurement, items=items, findings=findings)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            actions.save_survey(
                acting_user=request.user,
                procurement=procurement,
                answers=form.answers(),
                justifications=form.justifications(),
                result=form.cleaned_data["result"],
            )
        if not attempt.refused:
            messages.success(request, _("The survey worksheet is saved."))
            return redirect("procurement:survey", pk=procurement.pk)
    gaps = actions.survey_gaps(procurement) if procurement.survey_completed_at is None else []
    return render(
        request, "procurement/survey.html", _context(request, procurement, "survey", form=form, gaps=gaps)
    )


@require_POST
@requires(Capability.PLAN_PROCUREMENT)
def complete_survey(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = planned_procurement(request.user, pk)
    with refusal_as_message(request) as attempt:
        actions.complete_survey(acting_user=request.user, procurement=procurement)
    if not attempt.refused:
        messages.success(request, _("The survey is recorded as complete."))
    return redirect("procurement:survey", pk=procurement.pk)


# ── the procurement method ──────────────────────────────────────────────────


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def method(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    items = own_items(judgment, procurement.municipality, Phase.PROCUREMENT)
    in_sla = {row.key for row in sla_rows(items)}
    others = [item for item in items if item_key(item) not in in_sla]
    return render(
        request,
        "procurement/method.html",
        _context(request, procurement, "method", sections=by_section(others), sla_count=len(in_sla)),
    )


# ── the SLA ─────────────────────────────────────────────────────────────────


@requires(Capability.VIEW_PROCUREMENT)
def sla(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    if request.method == "POST" and not _may_plan(request, procurement):
        raise PermissionDenied
    sheet = sla_sheet(procurement, timezone.localdate())
    form = SlaForm(request.POST or None, procurement=procurement, rows=[entry.row for entry in sheet.rows])
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            actions.fill_sla(
                acting_user=request.user, procurement=procurement, requirements=form.requirements()
            )
        if not attempt.refused:
            messages.success(request, _("The SLA is saved."))
            return redirect("procurement:sla", pk=procurement.pk)
    return render(
        request, "procurement/sla.html", _context(request, procurement, "sla", form=form, sheet=sheet)
    )


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def sla_xlsx(request: SignedInRequest, pk: int) -> HttpResponse:
    sheet = _sla_to_print(request, pk)
    return _download(render_sla_xlsx(sheet), XLSX, f"{sheet.filename}.xlsx")


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def sla_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    sheet = _sla_to_print(request, pk)
    return _download(render_sla_pdf(sheet), "application/pdf", f"{sheet.filename}.pdf")


def _sla_to_print(request: SignedInRequest, pk: int) -> SlaSheet:
    """The SLA to download; none where the city's rules have no SLA template (the page says so and
    offers no download: an empty form would look like the city's own)."""
    sheet = sla_sheet(procurement_for(request.user, pk), timezone.localdate())
    if not sheet.rows:
        raise Http404
    return sheet


# ── the settings and operation checklist, and its periodic checks ───────────


def _periodic_checks(procurement: Procurement, judgment: Judgment) -> list[dict[str, Any]]:
    """The judgment's periodic re-checks, with their interval and, once the service is in the ledger,
    the open re-check the lifecycle app scheduled for each."""
    default = settings_for(procurement.municipality).default_recheck_interval_months
    scheduled = {}
    if procurement.ledger_entry_id is not None:
        scheduled = {
            r.rule_key: r
            for r in Recheck.objects.filter(entry_id=procurement.ledger_entry_id).order_by("due_date")
            if r.rule_key
        }
    return [
        {
            "rule": rule,
            "interval": rule["interval_months"] or default,
            "from_setting": rule["interval_months"] is None,
            "recheck": scheduled.get(item_key(rule)),
        }
        for rule in judgment["rechecks"]
        if "periodic" in rule["triggers"]
    ]


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def settings_checklist(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    phases = [
        (phase, by_section(own_items(judgment, procurement.municipality, phase)))
        for phase in (Phase.BUILD, Phase.OPERATION)
    ]
    entries = entries_for(request.user).filter(municipality=procurement.municipality).order_by("service_name")
    return render(
        request,
        "procurement/settings.html",
        _context(
            request,
            procurement,
            "settings",
            phases=[(phase, sections) for phase, sections in phases if sections],
            checks=_periodic_checks(procurement, judgment),
            entry_form=LedgerEntryForm(entries=entries, initial={"entry": procurement.ledger_entry_id}),
        ),
    )


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def settings_checklist_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    return _pdf(settings_checklist_form(procurement_for(request.user, pk), timezone.localdate()))


@require_POST
@requires(Capability.PLAN_PROCUREMENT)
def link_ledger_entry(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = planned_procurement(request.user, pk)
    entries = entries_for(request.user).filter(municipality=procurement.municipality)
    form = LedgerEntryForm(request.POST, entries=entries)
    if not form.is_valid():
        messages.error(request, _("Choose a %(ledger)s entry.") % in_sentence(procurement.municipality))
    else:
        try:
            actions.link_ledger_entry(
                acting_user=request.user, procurement=procurement, entry=form.cleaned_data["entry"]
            )
        except PermissionDenied:
            messages.error(request, _("You may not do this here."))
        else:
            messages.success(
                request,
                _("The procurement is linked to its %(ledger)s entry.")
                % in_sentence(procurement.municipality),
            )
    return redirect("procurement:settings", pk=procurement.pk)


# ── the special-terms annex ─────────────────────────────────────────────────


@require_POST
@requires(Capability.PLAN_PROCUREMENT)
def issue_annex(request: SignedInRequest, pk: int) -> HttpResponse:
    procurement = planned_procurement(request.user, pk)
    with refusal_as_message(request) as attempt:
        annex = actions.issue_annex(acting_user=request.user, procurement=procurement)
    if attempt.refused:
        return redirect(procurement)
    messages.success(request, _("The annex is issued."))
    return redirect(annex)


@requires(Capability.VIEW_PROCUREMENT)
def annex(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    procurement = procurement_for(request.user, pk)
    if request.method == "POST" and not _may_plan(request, procurement):
        raise PermissionDenied
    found = annex_for(procurement, number)
    form = AnnexAnswersForm(request.POST or None, annex=found)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as attempt:
            actions.record_annex_answers(
                acting_user=request.user,
                annex=found,
                contractor_name=form.cleaned_data["contractor_name"],
                answers=form.answers(),
            )
        if not attempt.refused:
            messages.success(request, _("The contractor's answers are recorded."))
            return redirect(found)
    return render(
        request,
        "procurement/annex.html",
        _context(request, procurement, "annex", annex=found, form=form, annex_facts=describe(found.facts)),
    )


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def annex_pdf(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    return _pdf(annex_form(annex_for(procurement_for(request.user, pk), number)))


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def annex_xlsx(request: SignedInRequest, pk: int, number: int) -> HttpResponse:
    return _xlsx(annex_form(annex_for(procurement_for(request.user, pk), number)))


# ── the responsibility split, for reference ─────────────────────────────────


@require_safe
@requires(Capability.VIEW_PROCUREMENT)
def responsibility_split(request: SignedInRequest) -> HttpResponse:
    municipality = _municipality(request, Capability.VIEW_PROCUREMENT)
    return render(
        request,
        "procurement/responsibility.html",
        {
            "municipality": municipality,
            "rules": municipality.pack().pack.rules_name,
            "matrix": responsibility_matrix(municipality),
        },
    )
