"""Re-checks and the orders that open them."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kumokan.catalog.models import Provider
from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_on_form
from kumokan.ledger.access import entries_for
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.access import may_correct
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.choices import (
    OrderScope,
    RecheckStatus,
)
from kumokan.lifecycle.forms import (
    CorrectiveForm,
    OrderForm,
    RecheckAnswerForm,
)
from kumokan.lifecycle.models import (
    Recheck,
    RecheckOrder,
)
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, allows, municipalities_granting, requires


@requires(Capability.VIEW_LEDGER)
def recheck(request: SignedInRequest, pk: int) -> HttpResponse:
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
            and may_correct(request.user, found.entry),
            "corrective_form": CorrectiveForm(
                municipality=found.entry.municipality,
                initial={
                    "description": found.answer_note,
                    "owner": found.entry.service_manager,
                    "deadline": timezone.localdate() + datetime.timedelta(days=30),
                },
            ),
            "today": timezone.localdate(),
            "may_open_order": found.order is not None and _may_open_order(request.user, found.order),
        },
    )


@require_safe
@requires(Capability.ORDER_RECHECK, Capability.MANAGE_LEDGER)
def orders(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "lifecycle/orders.html",
        {
            "orders": _orders_for(request.user).select_related("ordered_by"),
            "may_order": bool(municipalities_granting(request.user, Capability.ORDER_RECHECK)),
        },
    )


@requires(Capability.ORDER_RECHECK)
def order_new(request: SignedInRequest) -> HttpResponse:
    municipality = _governed_municipality(request)
    entries = LedgerEntry.objects.filter(municipality=municipality, status__in=ACTIVE_STATUSES).order_by(
        "service_name"
    )
    providers = Provider.objects.filter(
        municipality=municipality, services__ledger_entries__status__in=ACTIVE_STATUSES
    ).distinct()
    form = OrderForm(request.POST or None, municipality=municipality, entries=entries, providers=providers)
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
def order(request: SignedInRequest, pk: int) -> HttpResponse:
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


def _orders_for(user: Any) -> QuerySet[RecheckOrder]:
    """Orders of the municipalities the user governs, and those asking the user for an answer."""
    governed = municipalities_granting(user, Capability.ORDER_RECHECK)
    return RecheckOrder.objects.filter(
        Q(municipality__in=governed) | Q(rechecks__entry__service_manager=user)
    ).distinct()


def _may_open_order(user: Any, found: RecheckOrder) -> bool:
    """Whether the order's page opens for the user: what the `order` view asks, its guard and then
    its rows (so no page links to an order it would refuse)."""
    guard = order.capabilities  # type: ignore[attr-defined]
    return any(allows(user, c) for c in guard) and _orders_for(user).filter(pk=found.pk).exists()


def _governed_municipality(request: SignedInRequest) -> Municipality:
    municipalities = municipalities_granting(request.user, Capability.ORDER_RECHECK)
    return next((m for m in municipalities if m.slug == request.GET.get("m")), municipalities[0])
