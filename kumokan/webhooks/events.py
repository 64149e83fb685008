"""Telling a city's other systems: `emit` writes the event and its deliveries in the caller's transaction.

The payload's `data` is the API's own representation of the object (the components of the OpenAPI
document, kumokan.api.webhooks), taken when the event happens. The API app registers one describer
per event type with `describe_with`, so the domain apps that emit never import the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from kumokan.webhooks.choices import EventType
from kumokan.webhooks.models import Delivery, Event, Subscription

logger = logging.getLogger(__name__)

# The payload's shape: additions only within one version (webhooks.md).
API_VERSION = "1"

Describer = Callable[..., dict[str, Any]]
_describers: dict[EventType, Describer] = {}


def describe_with(event_type: EventType, describer: Describer) -> None:
    """Register the function that gives an event's `data` (the API app does, when it is ready)."""
    _describers[event_type] = describer


def emit(event_type: EventType, municipality: Any, target: Any, **details: Any) -> Event | None:
    """Write `event_type` about `target` for each of the municipality's active subscriptions to it.

    Runs inside the action's transaction (refused outside one): the rows commit or roll back with the
    decision, and the deliveries are queued only once it has committed.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhooks.emit must run inside the action's transaction.atomic()")
    subscriptions = [
        subscription
        for subscription in Subscription.objects.filter(municipality=municipality, active=True)
        if event_type in subscription.event_types
    ]
    if not subscriptions:
        return None
    now = timezone.now()
    # Labels in the payload are Japanese, whoever acted and in whatever language.
    with translation.override("ja"):
        data = _describers[event_type](target, **details)
    event = Event(municipality=municipality, event_type=event_type, occurred_at=now)
    event.payload = {
        "id": str(event.uuid),
        "type": event_type.value,
        "api_version": API_VERSION,
        "occurred_at": now.isoformat(),
        "municipality": municipality.slug,
        "data": data,
    }
    event.save()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(event=event, subscription=subscription, next_attempt_at=now)
            for subscription in subscriptions
        ]
    )
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: queue_deliveries(ids))
    return event


def queue_deliveries(ids: list[int]) -> None:
    """Hand the deliveries to the queue; if it is down they wait for the sweep (tasks.send_due_deliveries).

    This runs as the decision's request ends: a queue that is down must not hold the request up, so the
    connection is tried once, not retried for seconds as kombu does by default.
    """
    from kumokan.webhooks.tasks import deliver

    try:
        with deliver.app.connection_for_write(transport_options={"max_retries": 0}) as connection:
            for pk in ids:
                deliver.apply_async((pk,), retry=False, connection=connection)
    except Exception:  # any broker failure: the rows stay pending and are swept later
        logger.warning("webhook deliveries %s not queued; the sweep will send them", ids, exc_info=True)
