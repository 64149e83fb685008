"""Writing the audit trail: every action calls `record` inside its own transaction."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditChainHead, AuditEvent, canonical_content, chain_hash, municipality_model
from kumokan.core.actors import display_name
from kumokan.core.bulk import insert_new


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
    # Only a chosen action has a label the trail, the export and the auditor can read (ValueError if not).
    action = Action(action)
    if municipality is None:
        municipality = (
            target if isinstance(target, municipality_model()) else getattr(target, "municipality", None)
        )
    event = _event(actor, action, target, before, after, municipality=municipality, request_id=request_id)
    event.save()
    return event


def _event(
    actor: Any,
    action: Action,
    target: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    municipality: Any,
    request_id: str,
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """An unsaved audit row (its place in the chain is given when it is written)."""
    signed_in = actor is not None and actor.is_authenticated
    # By id: assigning the instances costs a third of building the row, for thousands of rows at once.
    return AuditEvent(
        at=at or timezone.now(),
        actor_id=actor.pk if signed_in else None,
        actor_name=display_name(actor) if signed_in else "system",
        municipality_id=None if municipality is None else municipality.pk,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        before=before,
        after=after,
        request_id=request_id,
    )


def record_many(
    actor: Any,
    action: Action,
    changes: Sequence[tuple[models.Model, dict[str, Any] | None, dict[str, Any] | None]],
    *,
    municipality: Any,
    request_id: str = "",
) -> list[AuditEvent]:
    """Append one audit row per (target, before, after), chained as `record` would, in one batch.

    For an action that writes thousands of rows at once (a ledger import): the municipality's chain
    head is locked once, each row's hash is computed here in order, and the rows are inserted together.
    The rows of one batch record one act, and carry its one time.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the action's transaction.atomic()")
    action = Action(action)
    at = timezone.now()
    events = [
        _event(actor, action, target, before, after, municipality=municipality, request_id=request_id, at=at)
        for target, before, after in changes
    ]
    if not events:
        return events
    head = AuditChainHead.locked(municipality.pk)
    previous = head.last_hash
    for event in events:
        event.previous_hash = previous
        event.hash = previous = chain_hash(canonical_content(event), previous)
    # AuditEvent.objects refuses bulk_create so that no caller skips the chain; the chain is built
    # just above under the head's lock, and the rows are inserted in that order (ids ascending).
    insert_new(events)
    head.advance(*events)
    return events


def state_of(obj: models.Model, *fields: str) -> dict[str, Any]:
    """The named fields of `obj` as JSON-ready values (foreign keys as ids, dates as ISO text)."""
    state: dict[str, Any] = {}
    for name, field in zip(fields, _columns(type(obj), fields), strict=True):
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif hasattr(value, "name") and isinstance(field, models.FileField):
            value = value.name or None
        state[name] = value
    return state


@functools.cache
def _columns(model: type[models.Model], names: tuple[str, ...]) -> tuple[models.Field[Any, Any], ...]:
    """The fields `state_of` reads, looked up once per model and list of names."""
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field), f"{name} is not a column of {model._meta.label}"
        columns.append(field)
    return tuple(columns)


def record_export(actor: Any, municipality: Any, export_format: str, count: int) -> AuditEvent:
    """An export of the trail is itself recorded: who took a copy of which municipality's records."""
    with transaction.atomic():
        return record(
            actor, Action.AUDIT_EXPORT, municipality, None, {"format": export_format, "records": count}
        )
