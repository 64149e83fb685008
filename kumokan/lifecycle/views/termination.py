"""Ending the use of a service, step by step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kumokan.core.actors import SignedInRequest
from kumokan.core.private_files import attachment
from kumokan.core.refusals import refusal_on_form
from kumokan.ledger.access import entry_for
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
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
from kumokan.lifecycle.choices import (
    TaskPhase,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.forms import (
    AccountsForm,
    CompletionForm,
    DisposalForm,
    NoticeForm,
    PlanForm,
    TerminationApprovalForm,
    TerminationRequestForm,
)
from kumokan.lifecycle.gates import open_matters
from kumokan.lifecycle.models import (
    Termination,
)
from kumokan.tenancy.permissions import Capability, can, requires
from kumokan.tenancy.vocabulary import in_sentence, vocabulary


@requires(Capability.VIEW_LEDGER)
def termination(request: SignedInRequest, pk: int) -> HttpResponse:
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
def termination_approve(request: SignedInRequest, pk: int) -> HttpResponse:
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
def termination_step(request: SignedInRequest, pk: int, step: str) -> HttpResponse:
    found = entry_for(request.user, pk)
    current = get_object_or_404(Termination, entry=found)
    if not can(request.user, Capability.MANAGE_LEDGER, found):
        raise PermissionDenied(
            _("Only the %(service_manager)s or an administrator may record the termination.")
            % in_sentence(found.municipality)
        )
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
                ledger = vocabulary(found.municipality).ledger.lower()
                messages.success(
                    request,
                    _("The use has ended: the service is retired and stays in the %(ledger)s.")
                    % {"ledger": ledger},
                )
            else:
                messages.success(request, _("The step is recorded."))
            return redirect("lifecycle:termination", pk=found.pk)
    context = _termination_context(request, found, current, TerminationRequestForm())
    context["forms"][step] = form
    return render(request, "lifecycle/termination.html", context, status=400)


@require_safe
@requires(Capability.VIEW_LEDGER)
def termination_plan(request: SignedInRequest, pk: int) -> FileResponse:
    found = entry_for(request.user, pk)
    current = get_object_or_404(Termination, entry=found)
    return attachment(current.plan_file, current.plan_file_name or "plan")


def _termination_context(
    request: HttpRequest,
    found: LedgerEntry,
    current: Termination | None,
    request_form: TerminationRequestForm,
) -> dict[str, Any]:
    manage = can(request.user, Capability.MANAGE_LEDGER, found)
    open_steps = current.open_steps() if current else []
    open_incidents, open_corrective = open_matters(found) if current else ((), ())
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
        "open_incidents": open_incidents,
        "open_corrective": open_corrective,
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


def _plan(request: SignedInRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_termination_plan(
        acting_user=request.user, termination=current, text=data["text"], document=data["document"]
    )


def _notice(request: SignedInRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_user_notice(
        acting_user=request.user, termination=current, notified_on=data["notified_on"], note=data["note"]
    )


def _disposal(request: SignedInRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    record_disposal(acting_user=request.user, termination=current, **data)


def _accounts(request: SignedInRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
    confirm_accounts(acting_user=request.user, termination=current, step=step, outcome=data["outcome"])


def _complete(request: SignedInRequest, current: Termination, step: str, data: dict[str, Any]) -> None:
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
