"""Periodic re-checks: when each is due, from the pack's interval or the municipality's default.

Each function runs inside the caller's transaction, with the ledger entry's row locked by the caller.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from kumokan.audit.actions import record, record_many, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import SYSTEM, Actor
from kumokan.core.answers import item_key
from kumokan.core.bulk import insert_new
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import OrderStatus, RecheckStatus, RecheckTrigger
from kumokan.lifecycle.models import LifecycleSettings, Recheck, RecheckOrder
from kumokan.lifecycle.rules import (
    add_months,
    recheck_rules,
    recheck_rules_of,
    scheduled_kind,
    snapshot_of,
)
from kumokan.policy import Judgment

RECHECK_FIELDS = (
    "entry",
    "trigger",
    "rule_key",
    "interval_months",
    "interval_from_setting",
    "due_date",
    "status",
)


def settings_for(municipality: Any) -> LifecycleSettings:
    """The municipality's lifecycle settings, or the defaults while it has saved none."""
    found = LifecycleSettings.objects.filter(municipality=municipality).first()
    return found if found is not None else LifecycleSettings(municipality=municipality)


def schedule_periodic_rechecks(
    entry: LedgerEntry, *, today: datetime.date, acting_user: Actor = SYSTEM
) -> list[Recheck]:
    """Open the next re-check of every periodic rule of a service in operation that has none open.

    The first falls due one interval after operation started; each next one, one interval after the
    previous one was answered. Where the seed states no interval, the municipality's default is used
    and the re-check says so (interval_from_setting).
    """
    if entry.status != EntryStatus.IN_OPERATION:
        return []
    default_interval = settings_for(entry.municipality).default_recheck_interval_months
    created = []
    for rule in recheck_rules(snapshot_of(entry), RecheckTrigger.PERIODIC):
        key = item_key(rule)
        scheduled = Recheck.objects.filter(entry=entry, rule_key=key)
        if scheduled.filter(status=RecheckStatus.OPEN).exists():
            continue
        last = (
            scheduled.filter(status__in=[RecheckStatus.CONFORMS, RecheckStatus.NONCONFORMING])
            .order_by("-answered_at")
            .first()
        )
        if last is not None and last.answered_at is not None:
            base = timezone.localdate(last.answered_at)
        elif entry.operation_started_at is not None:
            base = timezone.localdate(entry.operation_started_at)
        else:
            base = today
        recheck = _periodic_recheck(entry, rule, base, default_interval)
        recheck.save()
        record(acting_user, Action.LIFECYCLE_RECHECK_OPEN, recheck, None, state_of(recheck, *RECHECK_FIELDS))
        created.append(recheck)
    return created


def schedule_first_rechecks(
    entries: list[tuple[LedgerEntry, Judgment]], *, acting_user: Actor
) -> list[Recheck]:
    """schedule_periodic_rechecks for entries just created in operation (an imported ledger), each
    given with its judgment, in one batch: the first re-check of each periodic rule."""
    if not entries:
        return []
    municipality = entries[0][0].municipality
    default_interval = settings_for(municipality).default_recheck_interval_months
    rechecks = [
        _periodic_recheck(entry, rule, timezone.localdate(entry.operation_started_at), default_interval)
        for entry, judgment in entries
        if entry.status == EntryStatus.IN_OPERATION and entry.operation_started_at is not None
        for rule in recheck_rules_of(judgment, RecheckTrigger.PERIODIC)
    ]
    insert_new(rechecks)
    record_many(
        acting_user,
        Action.LIFECYCLE_RECHECK_OPEN,
        [(recheck, None, state_of(recheck, *RECHECK_FIELDS)) for recheck in rechecks],
        municipality=municipality,
    )
    return rechecks


def _periodic_recheck(
    entry: LedgerEntry, rule: dict[str, Any], base: datetime.date, default_interval: int
) -> Recheck:
    """The next re-check of a periodic rule, due one interval after `base` (unsaved)."""
    interval = rule["interval_months"] or default_interval
    return Recheck(
        entry=entry,
        municipality_id=entry.municipality_id,
        entry_status=entry.status,
        trigger=scheduled_kind(rule),
        basis=[rule],
        rule_key=item_key(rule),
        interval_months=interval,
        interval_from_setting=rule["interval_months"] is None,
        due_date=add_months(base, interval),
    )


def cancel_open_rechecks(entry: LedgerEntry, *, acting_user: Actor) -> int:
    """Cancel every open re-check of a service whose use has ended."""
    cancelled = 0
    for recheck in Recheck.objects.select_for_update().filter(entry=entry, status=RecheckStatus.OPEN):
        before = state_of(recheck, "status")
        recheck.status = RecheckStatus.CANCELLED
        recheck.save(update_fields=["status"])
        record(acting_user, Action.LIFECYCLE_RECHECK_CANCEL, recheck, before, state_of(recheck, "status"))
        if recheck.order_id is not None:
            close_order_if_answered(recheck.order, acting_user=acting_user)
        cancelled += 1
    return cancelled


def close_order_if_answered(order: RecheckOrder, *, acting_user: Actor) -> bool:
    """Close the order once none of its re-checks awaits an answer; True if it closed now."""
    locked = RecheckOrder.objects.select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.OPEN or locked.rechecks.filter(status=RecheckStatus.OPEN).exists():
        return False
    before = state_of(locked, "status", "closed_at")
    locked.status = OrderStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    record(acting_user, Action.LIFECYCLE_ORDER_CLOSE, locked, before, state_of(locked, "status", "closed_at"))
    return True
