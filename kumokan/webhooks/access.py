"""The webhook subscriptions a person manages: those of the municipalities where they administer."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from kumokan.tenancy.permissions import Capability, municipalities_granting
from kumokan.webhooks.models import Delivery, Subscription


def subscriptions_for(user: Any) -> Any:
    return Subscription.objects.filter(
        municipality__in=municipalities_granting(user, Capability.MANAGE_WEBHOOKS)
    ).select_related("municipality")


def subscription_for(user: Any, pk: int) -> Subscription:
    """One subscription the user manages; 404 for another municipality's."""
    found: Subscription = get_object_or_404(subscriptions_for(user), pk=pk)
    return found


def delivery_for(user: Any, pk: int) -> Delivery:
    found: Delivery = get_object_or_404(
        Delivery.objects.filter(subscription__in=subscriptions_for(user)).select_related(
            "subscription", "event"
        ),
        pk=pk,
    )
    return found
