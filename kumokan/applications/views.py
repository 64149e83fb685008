"""The application journey on the web: apply in three steps, review and decide, follow an application.

Each view parses its input with a form, calls one action (kumokan.applications.actions) and renders;
who may do what is kumokan.tenancy.permissions' table, and objects are fetched for the user (access.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kumokan.applications import actions, routing
from kumokan.applications.access import (
    application_for,
    applications_for,
    awaiting_decision_by,
    own_application,
)
from kumokan.applications.choices import Outcome, Status, Step
from kumokan.applications.forms import (
    TEXT_FACTS,
    ChecklistForm,
    DecisionForm,
    ExplainForm,
    FactsForm,
    VersionForm,
    WithdrawForm,
    describe_facts,
)
from kumokan.applications.judging import judge_facts
from kumokan.applications.models import (
    Application,
    ChecklistAnswer,
    JudgmentSnapshot,
    explanations_by_finding,
)
from kumokan.applications.workflow import steps_from
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.catalog.prefill import application_initial
from kumokan.core.actors import SignedInRequest, display_name
from kumokan.core.answers import finding_key, item_key
from kumokan.core.private_files import attachment
from kumokan.core.refusals import refusal_as_message, refusal_on_form, show_denial_on_form, show_on_form
from kumokan.errors import ConflictError, WorkflowError, reads_english
from kumokan.policy import FactsError
from kumokan.policy.pack import Designation, Phase
from kumokan.tenancy.access import eligible_service_managers, has_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality
from kumokan.tenancy.permissions import Capability, granted_roles, municipalities_granting, requires
from kumokan.tenancy.vocabulary import vocabulary

# Fields a live judgment need not have yet (it stands in for the missing text, and has no department).
PREVIEW_IGNORES = frozenset({"department", "version", *TEXT_FACTS})
# Errors of the decide action that belong to one field of the decision form.
_DECISION_FIELDS = {
    "reason_required": "reason",
    "manager_required": "service_manager",
    "manager_not_member": "service_manager",
    "manager_not_head": "service_manager",
    "manager_head_unknown": "service_manager",
    "manager_not_expected": "service_manager",
}


# ── my applications ─────────────────────────────────────────────────────────


@requires(Capability.APPLY)
def my_applications(request: SignedInRequest) -> HttpResponse:
    applications = (
        applications_for(request.user).filter(applicant=request.user).order_by("-updated_at", "-id")
    )
    return render(request, "applications/list.html", {"applications": applications})


# ── step 1: the facts, with the live judgment ───────────────────────────────


def _applying_municipality(user: Any) -> Municipality:
    municipalities = municipalities_granting(user, Capability.APPLY)
    if not municipalities:
        raise PermissionDenied
    return municipalities[0]


def _applying_departments(user: Any, municipality: Municipality) -> QuerySet[Department]:
    """The departments in which the user holds a role that applies (a head applies for their own)."""
    roles = granted_roles(Capability.APPLY, municipality)
    return (
        Department.objects.filter(
            municipality=municipality, memberships__user=user, memberships__role__in=roles
        )
        .distinct()
        .order_by("code")
    )


@requires(Capability.APPLY)
def new_application(request: SignedInRequest) -> HttpResponse:
    municipality = _applying_municipality(request.user)
    departments = _applying_departments(request.user, municipality)
    # `?service=` from the catalogue fills in the service and the certifications recorded for it.
    initial = application_initial(municipality, request.GET)
    if has_role(request.user, municipality, Role.CONTRACTOR):
        initial["operated_by_contractor"] = True
    form = _as_contractor(
        FactsForm(request.POST or None, municipality=municipality, departments=departments, initial=initial),
        request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.create_draft(
                acting_user=request.user,
                municipality=municipality,
                department=form.cleaned_data["department"],
                facts=form.facts(),
                **form.application_fields(),
            )
        except FactsError as exc:
            form.add_problems(exc.problems, reads_english())
        except WorkflowError as exc:
            show_on_form(form, exc)
        except PermissionDenied as exc:
            show_denial_on_form(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return _after_facts(request, application)
    return _facts_page(request, form, municipality, None)


@requires(Capability.APPLY)
def edit_application(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    if Step.EDIT not in steps_from(application.status):
        messages.info(request, _("This application can no longer be changed."))
        return redirect(application)
    initial = FactsForm.initial_for(application) | {"version": application.version}
    form = _as_contractor(
        FactsForm(request.POST or None, municipality=application.municipality, initial=initial), request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = actions.update_draft(
                acting_user=request.user,
                application=application,
                changes={"facts": form.facts(), **form.application_fields()},
                expected_version=form.cleaned_data["version"],
            )
        except FactsError as exc:
            form.add_problems(exc.problems, reads_english())
        except WorkflowError as exc:
            if exc.code != "unchanged":
                show_on_form(form, exc)
            else:
                return _after_facts(request, application)
        except PermissionDenied as exc:
            show_denial_on_form(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return _after_facts(request, application)
    return _facts_page(request, form, application.municipality, application)


def _as_contractor(form: FactsForm, user: Any) -> FactsForm:
    """A contractor (Kobe §5.3) sees none of the city's catalogue in the form: no provider suggestions."""
    if has_role(user, form.municipality, Role.CONTRACTOR):
        form.providers = form.providers.none()
    return form


def _after_facts(request: SignedInRequest, application: Application) -> HttpResponse:
    if request.POST.get("next") == "stay":
        return redirect("applications:edit", pk=application.pk)
    return redirect("applications:checklist", pk=application.pk)


def _facts_page(
    request: HttpRequest, form: FactsForm, municipality: Municipality, application: Application | None
) -> HttpResponse:
    if form.is_bound:
        preview = _preview(form, municipality)
    elif application is not None:
        preview = _stored_preview(application)
    else:
        preview = _preview(FactsForm(form.initial_data(), municipality=municipality), municipality)
    context = {
        "form": form,
        "application": application,
        "municipality": municipality,
        "preview_url": reverse("applications:edit_judgment", args=[application.pk])
        if application
        else reverse("applications:new_judgment"),
        **preview,
    }
    return render(request, "applications/facts.html", context)


def _preview(form: FactsForm, municipality: Municipality) -> dict[str, Any]:
    """The judgment of the facts as filled in so far, with what is wrong in them (the form's own
    errors, and the engine's problems when it cannot judge)."""
    facts = form.preview_facts()
    problems = [
        f"{form.fields[name].label}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
        if name in form.fields and name not in PREVIEW_IGNORES
    ]
    try:
        judged = judge_facts(municipality, facts)
    except FactsError as exc:
        return {
            "judgment": None,
            "problems": problems + [p.en if reads_english() else p.ja for p in exc.problems],
        }
    return {"judgment": judged.judgment, "problems": problems}


def _stored_preview(application: Application) -> dict[str, Any]:
    snapshot = application.judgment
    return {"judgment": snapshot.judgment if snapshot else None, "problems": []}


@require_POST
@requires(Capability.APPLY)
def new_judgment(request: SignedInRequest) -> HttpResponse:
    """The live judgment (htmx): the step-1 form posted on every change, answered with the partial."""
    municipality = _applying_municipality(request.user)
    form = FactsForm(request.POST, municipality=municipality, departments=Department.objects.none())
    # A fragment: base.html's {% city_words %} does not run, so the words of the city judged are given here.
    return render(
        request,
        "applications/_judgment.html",
        _preview(form, municipality) | {"terms": vocabulary(municipality)},
    )


@require_POST
@requires(Capability.APPLY)
def edit_judgment(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    form = FactsForm(request.POST, municipality=application.municipality)
    words = {"terms": vocabulary(application.municipality)}
    return render(request, "applications/_judgment.html", _preview(form, application.municipality) | words)


# ── step 2: the checklist ───────────────────────────────────────────────────


@requires(Capability.APPLY)
def checklist(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    snapshot = _snapshot(application)
    editable = Step.EDIT in steps_from(application.status)
    form = ChecklistForm(
        request.POST or None, request.FILES or None, application=application, snapshot=snapshot
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This application can no longer be changed."))
        if form.is_valid() and _save_checklist(request, form, application):
            if request.POST.get("next") == "review":
                return redirect("applications:review", pk=application.pk)
            return redirect("applications:checklist", pk=application.pk)
    return render(
        request,
        "applications/checklist.html",
        {"application": application, "snapshot": snapshot, "form": form, "editable": editable},
    )


def _save_checklist(request: SignedInRequest, form: ChecklistForm, application: Application) -> bool:
    """Record every changed answer and explanation; False (with errors on the form) if any was refused."""
    version = form.cleaned_data["version"]
    saved = 0
    try:
        for item, answer, note, evidence in form.changed_answers():
            key = item_key(item)
            try:
                actions.answer_item(
                    acting_user=request.user,
                    application=application,
                    pack_id=item["pack"],
                    item_id=item["id"],
                    answer=answer,
                    note=note,
                    evidence=evidence,
                    expected_version=version,
                )
            except ConflictError:
                raise
            except WorkflowError as exc:
                show_on_form(form, exc, f"answer:{key}", fields={"note_required": f"note:{key}"})
            else:
                version += 1
                saved += 1
        for finding, text in form.changed_explanations():
            try:
                actions.explain_finding(
                    acting_user=request.user,
                    application=application,
                    pack_id=finding["pack"],
                    code=finding["code"],
                    explanation=text,
                    expected_version=version,
                )
            except ConflictError:
                raise
            except WorkflowError as exc:
                show_on_form(form, exc, f"explanation:{finding_key(finding)}")
            else:
                version += 1
                saved += 1
    except ConflictError as exc:
        show_on_form(form, exc)
    if saved:
        messages.success(request, _("%(count)d answers saved.") % {"count": saved})
    return not form.errors


# ── step 3: review and submit ───────────────────────────────────────────────


@requires(Capability.APPLY)
def review(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    return render(request, "applications/review.html", _review_context(application))


@require_POST
@requires(Capability.APPLY)
def explain(request: SignedInRequest, pk: int) -> HttpResponse:
    """Explain a blocking finding from the review page, where it stops the submission."""
    application = own_application(request.user, pk)
    form = ExplainForm(request.POST)
    if form.is_valid():
        with refusal_on_form(form, "explanation") as attempt:
            actions.explain_finding(
                acting_user=request.user,
                application=application,
                pack_id=form.cleaned_data["pack"],
                code=form.cleaned_data["code"],
                explanation=form.cleaned_data["explanation"],
                expected_version=form.cleaned_data["version"],
            )
        if not attempt.refused:
            messages.success(request, _("The explanation is saved."))
            return redirect(reverse("applications:review", args=[application.pk]) + "#findings")
    application.refresh_from_db()
    context = _review_context(application, failed=form)
    return render(request, "applications/review.html", context, status=400)


def _review_context(application: Application, failed: ExplainForm | None = None) -> dict[str, Any]:
    snapshot = _snapshot(application)
    may_submit = bool({Step.SUBMIT, Step.RESUBMIT} & set(steps_from(application.status)))
    problems = actions.submission_problems(application, snapshot) if may_submit else []
    unexplained = []
    field_ids = []
    for finding in actions.unexplained_findings(application, snapshot) if may_submit else []:
        form = ExplainForm(
            initial={"pack": finding["pack"], "code": finding["code"], "version": application.version}
        )
        if (
            failed is not None
            and failed.data.get("pack") == finding["pack"]
            and failed.data.get("code") == finding["code"]
        ):
            form = failed
        # Several of these forms share the page: ids of their own.
        form.auto_id = f"id_{finding['pack']}_{finding['code']}_%s"
        unexplained.append({"finding": finding, "form": form})
        field_ids.append(f"#{form['explanation'].id_for_label}")
    # Each finding's refusal links to its explanation's field below (issue 17 point 6): submission_problems
    # names the unexplained findings in the order unexplained_findings gives them.
    fields = iter(field_ids)
    refusals = [
        {
            "message": problem.message,
            "field": next(fields, None) if problem.code == "unexplained_finding" else None,
        }
        for problem in problems
    ]
    return {
        "application": application,
        "snapshot": snapshot,
        "judgment": snapshot.judgment,
        "may_submit": may_submit,
        "submission_problems": refusals,
        "unexplained": unexplained,
        "unanswered": actions.unanswered_items(application, snapshot, Phase.SELECTION),
        "later_unanswered": len(actions.unanswered_items(application, snapshot))
        - len(actions.unanswered_items(application, snapshot, Phase.SELECTION)),
        "form": VersionForm(initial={"version": application.version}),
        **_record(application),
    }


@require_POST
@requires(Capability.APPLY)
def submit(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    act = actions.resubmit if application.status == Status.RETURNED else actions.submit
    with refusal_as_message(request) as attempt:
        application = act(
            acting_user=request.user, application=application, expected_version=form.cleaned_data["version"]
        )
    if attempt.refused:
        return redirect("applications:review", pk=application.pk)
    if application.status == Status.APPROVED:
        messages.success(request, _("Submitted and approved: this track approves its own use."))
    else:
        messages.success(request, _("The application is submitted for approval."))
    return redirect(application)


@require_POST
@requires(Capability.APPLY)
def withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    application = own_application(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    if not form.cleaned_data["confirmed"]:
        return render(
            request,
            "applications/confirm_withdraw.html",
            {"application": application, "form": form},
        )
    with refusal_as_message(request) as attempt:
        actions.withdraw(
            acting_user=request.user,
            application=application,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    if not attempt.refused:
        messages.success(request, _("The application is withdrawn."))
    return redirect(application)


# ── following an application ────────────────────────────────────────────────


@requires(Capability.APPLY, Capability.VIEW_APPLICATIONS)
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    application = application_for(request.user, pk)
    snapshot = application.judgment
    own = application.applicant_id == request.user.pk
    steps = steps_from(application.status) if own else []
    # The status history: answers and explanations are shown with the checklist, not one line each.
    history = AuditEvent.objects.filter(
        target_type=Application._meta.label_lower, target_id=str(application.pk)
    ).exclude(action__in=[Action.APPLICATION_ANSWER_ITEM, Action.APPLICATION_EXPLAIN_FINDING])
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "snapshot": snapshot,
            "judgment": snapshot.judgment if snapshot else None,
            "answers": _answers_by_item(application),
            "explanations": explanations_by_finding(application, snapshot),
            "decisions": application.decisions.select_related("decided_by").order_by("decided_at", "id"),
            "history": history.order_by("id"),
            "own": own,
            "may_edit": Step.EDIT in steps,
            "may_withdraw": Step.WITHDRAW in steps,
            "may_decide": snapshot is not None
            and application.status == Status.SUBMITTED
            and routing.may_decide(request.user, application, snapshot),
            "entry": getattr(application, "ledger_entry", None),
            "withdraw_form": WithdrawForm(initial={"version": application.version}),
            **_record(application),
        },
    )


@requires(Capability.APPLY, Capability.VIEW_APPLICATIONS)
def evidence(request: SignedInRequest, pk: int, answer_pk: int) -> FileResponse:
    """An evidence file, to whoever may see the application (the files are served by no other URL)."""
    application = application_for(request.user, pk)
    answer = get_object_or_404(ChecklistAnswer, application=application, pk=answer_pk)
    return attachment(answer.evidence, answer.evidence_name or None)


# ── deciding ────────────────────────────────────────────────────────────────


@requires(Capability.DECIDE)
def approval_queue(request: SignedInRequest) -> HttpResponse:
    return render(request, "applications/queue.html", {"applications": awaiting_decision_by(request.user)})


@requires(Capability.DECIDE)
def decide(request: SignedInRequest, pk: int) -> HttpResponse:
    application = application_for(request.user, pk)
    snapshot = _snapshot(application)
    if not routing.may_decide(request.user, application, snapshot):
        raise PermissionDenied(_("You are not the approver of this application."))
    open_for_decision = Step.APPROVE in steps_from(application.status)
    managers = _manager_choices(application, snapshot)
    form = DecisionForm(request.POST or None, managers=managers, initial={"version": application.version})
    if request.method == "POST":
        if not open_for_decision:
            messages.error(request, _("This application has already been decided."))
            return redirect(application)
        if form.is_valid():
            if form.needs_confirmation:
                return render(
                    request, "applications/confirm_reject.html", {"application": application, "form": form}
                )
            with refusal_on_form(form, fields=_DECISION_FIELDS) as attempt:
                actions.decide(
                    acting_user=request.user,
                    application=application,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                    service_manager=form.cleaned_data.get("service_manager"),
                )
            if not attempt.refused:
                ledger = vocabulary(application.municipality).ledger.lower()
                messages.success(request, str(_DECIDED[form.cleaned_data["outcome"]]) % {"ledger": ledger})
                return redirect(application)
    return render(
        request,
        "applications/decide.html",
        {
            "application": application,
            "snapshot": snapshot,
            "judgment": snapshot.judgment,
            "answers": _answers_by_item(application),
            "explanations": explanations_by_finding(application, snapshot),
            "form": form,
            "open_for_decision": open_for_decision,
            **_record(application),
        },
    )


# Read in the reader's language when shown (gettext here would keep the language of the server's start).
_DECIDED = {
    Outcome.APPROVED: gettext_lazy("The application is approved and recorded in the %(ledger)s."),
    Outcome.REJECTED: gettext_lazy("The application is rejected."),
    Outcome.RETURNED: gettext_lazy("The application is returned to the applicant."),
}


def _manager_choices(application: Application, snapshot: JudgmentSnapshot) -> QuerySet[Any] | None:
    """Whom the approver may name as service manager, where the pack's rule lets them name one
    (routing.service_manager_for applies the rule); None where the rule names the person itself."""
    designation = snapshot.judgment["service_manager"]["designation"]
    if designation in (
        Designation.OWNING_DEPARTMENT_HEAD,
        Designation.DESIGNATED_BY_APPROVER,
        Designation.UNSPECIFIED,
    ):
        return eligible_service_managers(application.municipality, application.department, snapshot.track)
    return None


# ── helpers ─────────────────────────────────────────────────────────────────


def _snapshot(application: Application) -> JudgmentSnapshot:
    snapshot = application.judgment
    if snapshot is None:
        raise Http404
    return snapshot


def _record(application: Application) -> dict[str, Any]:
    """What the facts block of a page shows besides the application itself."""
    return {
        "facts_labels": describe_facts(application.facts),
        "applicant_name": display_name(application.applicant),
    }


def _answers_by_item(application: Application) -> dict[str, ChecklistAnswer]:
    return {a.key: a for a in application.answers.select_related("answered_by")}
