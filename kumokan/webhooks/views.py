"""The administrator's pages: the municipality's subscriptions, one subscription with its delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message, refusal_on_form
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires
from kumokan.webhooks import actions
from kumokan.webhooks.access import delivery_for, subscription_for, subscriptions_for
from kumokan.webhooks.forms import SubscriptionEditForm, SubscriptionForm
from kumokan.webhooks.models import Subscription

LOG_LENGTH = 50


def _secret_page(request: SignedInRequest, subscription: Subscription, secret: str) -> HttpResponse:
    """The secret, shown in this response only: never stored in a URL, a message or the session."""
    return render(request, "webhooks/secret.html", {"subscription": subscription, "secret": secret})


@requires(Capability.MANAGE_WEBHOOKS)
def subscriptions(request: SignedInRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.MANAGE_WEBHOOKS)
    wanted = request.GET.get("m") or request.POST.get("m")
    municipality = next((m for m in municipalities if m.slug == wanted), municipalities[0])
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form, fields={"url": "url"}) as attempt:
            subscription, secret = actions.create_subscription(
                acting_user=request.user, municipality=municipality, **form.cleaned_data
            )
        if not attempt.refused:
            return _secret_page(request, subscription, secret)
    context = {
        "municipality": municipality,
        "municipalities": municipalities,
        "subscriptions": subscriptions_for(request.user).filter(municipality=municipality),
        "form": form,
    }
    return render(request, "webhooks/list.html", context, status=400 if form.errors else 200)


@requires(Capability.MANAGE_WEBHOOKS)
def subscription(request: SignedInRequest, pk: int) -> HttpResponse:
    found = subscription_for(request.user, pk)
    form = SubscriptionEditForm(
        request.POST or None,
        initial={
            "url": found.url,
            "description": found.description,
            "event_types": found.event_types,
            "active": found.active,
            "version": found.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form, fields={"url": "url"}) as attempt:
            actions.update_subscription(
                acting_user=request.user,
                subscription=found,
                url=data["url"],
                event_types=data["event_types"],
                description=data["description"],
                active=data["active"],
                expected_version=data["version"],
            )
        if not attempt.refused:
            messages.success(request, _("The subscription is saved."))
            return redirect(found)
    deliveries = found.deliveries.select_related("event").order_by("-id")[:LOG_LENGTH]
    context = {"subscription": found, "form": form, "deliveries": deliveries}
    return render(request, "webhooks/detail.html", context, status=400 if form.errors else 200)


@require_POST
@requires(Capability.MANAGE_WEBHOOKS)
def rotate(request: SignedInRequest, pk: int) -> HttpResponse:
    found = subscription_for(request.user, pk)
    rotated, secret = actions.rotate_secret(acting_user=request.user, subscription=found)
    return _secret_page(request, rotated, secret)


@require_POST
@requires(Capability.MANAGE_WEBHOOKS)
def redeliver(request: SignedInRequest, pk: int) -> HttpResponse:
    found = delivery_for(request.user, pk)
    with refusal_as_message(request) as attempt:
        actions.redeliver(acting_user=request.user, delivery=found)
    if not attempt.refused:
        messages.success(request, _("The event is queued to be sent again."))
    return redirect(found.subscription)
