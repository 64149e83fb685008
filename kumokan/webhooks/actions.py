"""Every change of a webhook subscription, each audited: made, changed, secret rotated, redelivered,
turned off after failing. The municipality's administrator manages its own subscriptions only."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import SYSTEM, Actor, person
from kumokan.errors import WorkflowError, check_version
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.tenancy.access import users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.permissions import Capability, can
from kumokan.webhooks.choices import DeliveryStatus, EventType
from kumokan.webhooks.destinations import check_url
from kumokan.webhooks.events import queue_deliveries
from kumokan.webhooks.models import Delivery, Subscription

# What the audit trail keeps of a subscription: never its secret.
FIELDS = ("url", "description", "event_types", "active", "disabled_reason", "version")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _require_manager(acting_user: Actor, subscription: Subscription) -> None:
    if not can(acting_user, Capability.MANAGE_WEBHOOKS, subscription):
        raise PermissionDenied(_("Only an administrator of the municipality may manage its webhooks."))


def _clean(url: str, event_types: Iterable[str], description: str) -> tuple[str, list[str], str]:
    url = url.strip()
    check_url(url)
    chosen = list(dict.fromkeys(event_types))
    unknown = [value for value in chosen if value not in EventType.values]
    if unknown:
        raise WorkflowError(
            gettext_lazy("unknown events: %(events)s"), code="events", params={"events": ", ".join(unknown)}
        )
    if not chosen:
        raise WorkflowError(
            gettext_lazy("choose at least one event"),
            code="events",
        )
    return url, [value for value in EventType.values if value in chosen], description.strip()


def create_subscription(
    *, acting_user: Actor, municipality: Any, url: str, event_types: Iterable[str], description: str = ""
) -> tuple[Subscription, str]:
    """A new subscription and its secret, which is shown to the administrator this once."""
    subscription = Subscription(municipality=municipality, created_by=person(acting_user))
    _require_manager(acting_user, subscription)
    subscription.url, subscription.event_types, subscription.description = _clean(
        url, event_types, description
    )
    subscription.secret = new_secret()
    with transaction.atomic():
        subscription.save()
        record(acting_user, Action.WEBHOOK_CREATE, subscription, None, state_of(subscription, *FIELDS))
    return subscription, subscription.secret


def update_subscription(
    *,
    acting_user: Actor,
    subscription: Subscription,
    url: str,
    event_types: Iterable[str],
    description: str,
    active: bool,
    expected_version: int | None = None,
) -> Subscription:
    """Change the receiver, its events, or turn it on or off (on again: its failure count starts over)."""
    _require_manager(acting_user, subscription)
    url, chosen, description = _clean(url, event_types, description)
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        check_version(gettext_lazy("webhook subscription"), locked.version, expected_version)
        before = state_of(locked, *FIELDS)
        if (locked.url, locked.event_types, locked.description, locked.active) == (
            url,
            chosen,
            description,
            active,
        ):
            raise WorkflowError(
                gettext_lazy("nothing changed"),
                code="unchanged",
            )
        locked.url, locked.event_types, locked.description = url, chosen, description
        if active and not locked.active:
            locked.consecutive_failures = 0
            locked.disabled_reason = ""
        locked.active = active
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save()
        record(acting_user, Action.WEBHOOK_UPDATE, locked, before, state_of(locked, *FIELDS))
    return locked


def rotate_secret(*, acting_user: Actor, subscription: Subscription) -> tuple[Subscription, str]:
    """A new secret replaces the old one at once; it is shown to the administrator this once."""
    _require_manager(acting_user, subscription)
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        before = state_of(locked, "secret_rotated_at", "version")
        locked.secret = new_secret()
        locked.secret_rotated_at = timezone.now()
        locked.version += 1
        locked.updated_at = locked.secret_rotated_at
        locked.save(update_fields=["secret", "secret_rotated_at", "version", "updated_at"])
        record(
            acting_user,
            Action.WEBHOOK_ROTATE_SECRET,
            locked,
            before,
            state_of(locked, "secret_rotated_at", "version"),
        )
    return locked, locked.secret


def redeliver(*, acting_user: Actor, delivery: Delivery) -> Delivery:
    """Send a delivery again now, whether it failed or arrived (the receiver recognises the event's id)."""
    _require_manager(acting_user, delivery.subscription)
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
        if not locked.subscription.active:
            raise WorkflowError(
                gettext_lazy("the subscription is turned off: turn it on before redelivering"),
                code="inactive",
            )
        before = state_of(locked, "status", "attempts")
        locked.status = DeliveryStatus.PENDING
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "next_attempt_at"])
        record(
            acting_user,
            Action.WEBHOOK_REDELIVER,
            locked.subscription,
            before,
            state_of(locked, "status") | {"delivery": locked.pk, "event": str(delivery.event.uuid)},
        )
        transaction.on_commit(lambda: queue_deliveries([locked.pk]))
    return locked


def disable_failing(subscription: Subscription, error: str) -> None:
    """Count a failed attempt; at WEBHOOK_DISABLE_AFTER in a row, turn the subscription off (kumokan does)
    and tell the municipality's administrators."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        locked.consecutive_failures += 1
        if not locked.active or locked.consecutive_failures < settings.WEBHOOK_DISABLE_AFTER:
            locked.save(update_fields=["consecutive_failures"])
            return
        before = state_of(locked, *FIELDS)
        locked.active = False
        locked.disabled_reason = f"{locked.consecutive_failures} attempts in a row failed; the last: {error}"[
            :300
        ]
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(
            update_fields=["consecutive_failures", "active", "disabled_reason", "version", "updated_at"]
        )
        record(SYSTEM, Action.WEBHOOK_DISABLE, locked, before, state_of(locked, *FIELDS))
        notify(
            users_with_role(locked.municipality, Role.ADMINISTRATOR),
            Message(
                gettext_noop(
                    "Sending to the webhook receiver %(url)s failed %(count)s times in a row, so it has "
                    "been turned off. Check the receiving system, then turn it back on on the receiver's page."
                ),
                {"url": locked.url, "count": locked.consecutive_failures},
            ),
            locked.get_absolute_url(),
            municipality=locked.municipality,
            verb=Verb.WEBHOOK_DISABLED,
        )
