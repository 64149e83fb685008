"""Writing the audit trail: every action calls `record` inside its own transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models, transaction

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.access import display_name
from kumokan.tenancy.models import Municipality


def record(
    actor: Any,
    action: Action,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    municipality: Any = None,
    request_id: str = "",
) -> AuditEvent:
    """Append one audit row for `action` on `target`; refuses to run outside a transaction.

    The municipality is `target.municipality` (or the target itself) unless given.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction.atomic()")
    if municipality is None:
        municipality = target if isinstance(target, Municipality) else getattr(target, "municipality", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=display_name(actor) if actor is not None and actor.is_authenticated else "system",
        municipality=municipality,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        before=before,
        after=after,
        request_id=request_id,
    )


def state_of(obj: models.Model, *fields: str) -> dict[str, Any]:
    """The named fields of `obj` as JSON-ready values (foreign keys as ids, dates as ISO text)."""
    state: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif hasattr(value, "name") and isinstance(field, models.FileField):
            value = value.name or None
        state[name] = value
    return state


def record_export(actor: Any, municipality: Municipality, export_format: str, count: int) -> AuditEvent:
    """An export of the trail is itself recorded: who took a copy of which municipality's records."""
    with transaction.atomic():
        return record(
            actor, Action.AUDIT_EXPORT, municipality, None, {"format": export_format, "records": count}
        )
