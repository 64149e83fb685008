"""Re-checks of a service in use: answered, ordered, reminded, escalated, opened by an event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.models import Provider
from kumokan.core.actors import SYSTEM, Actor, display_name, signed_in
from kumokan.core.city_dates import city_date
from kumokan.errors import WorkflowError, check_version
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.access import governors, overseers
from kumokan.lifecycle.actions.common import ACTIVE_STATUSES, active_users
from kumokan.lifecycle.choices import (
    OrderScope,
    OrderTrigger,
    RecheckResult,
    RecheckStatus,
    RecheckTrigger,
)
from kumokan.lifecycle.models import (
    Recheck,
    RecheckOrder,
)
from kumokan.lifecycle.rules import recheck_rules, snapshot_of
from kumokan.lifecycle.schedule import (
    RECHECK_FIELDS,
    close_order_if_answered,
    schedule_periodic_rechecks,
    settings_for,
)
from kumokan.notifications.actions import notify
from kumokan.notifications.choices import Verb
from kumokan.notifications.messages import Message
from kumokan.policy.schemas import RecheckRule
from kumokan.tenancy.access import roles_in_sentence
from kumokan.tenancy.choices import Role
from kumokan.tenancy.permissions import Capability, can
from kumokan.tenancy.vocabulary import in_sentence
from kumokan.webhooks.choices import EventType
from kumokan.webhooks.events import emit

# Read in each recipient's language when the notification is written (Message.render).
_city_date = lazy(city_date, str)


def answer_recheck(
    *, acting_user: Actor, recheck: Recheck, result: str, note: str, expected_version: int | None = None
) -> Recheck:
    """The service manager's answer: conforms, or does not conform and why (Kobe §6.1, §6.3)."""
    result = RecheckResult(result)
    note = note.strip()
    with transaction.atomic():
        entry = LedgerEntry.objects.select_for_update().get(pk=recheck.entry_id)
        locked = Recheck.objects.select_for_update().get(pk=recheck.pk)
        if not acting_user.is_authenticated or entry.service_manager_id != acting_user.pk:
            raise PermissionDenied(
                _("Only the %(service_manager)s of this service may answer its re-checks.")
                % in_sentence(entry.municipality)
            )
        check_version(gettext_lazy("re-check"), locked.version, expected_version)
        if locked.status != RecheckStatus.OPEN:
            raise WorkflowError(
                gettext_lazy("this re-check has already been answered or was cancelled"),
                code="not_open",
            )
        if result == RecheckResult.NONCONFORMING and not note:
            raise WorkflowError(
                gettext_lazy("say what does not conform"),
                code="note_required",
            )
        fields = ("status", "answer_note", "answered_by", "answered_at")
        before = state_of(locked, *fields)
        locked.status = RecheckStatus(result.value)
        locked.answer_note = note
        locked.answered_by, locked.answered_at = signed_in(acting_user), timezone.now()
        locked.save(update_fields=list(fields))
        record(acting_user, Action.LIFECYCLE_RECHECK_ANSWER, locked, before, state_of(locked, *fields))
        told = set()
        order = locked.order
        if order is not None:
            close_order_if_answered(order, acting_user=acting_user)
            told.add(order.ordered_by_id)
        if locked.rule_key:
            schedule_periodic_rechecks(entry, today=timezone.localdate(), acting_user=acting_user)
        if result == RecheckResult.NONCONFORMING:
            told |= set(governors(entry.municipality).values_list("pk", flat=True))
        told.discard(acting_user.pk)
        if told:
            text = Message(
                gettext_noop("%(manager)s answered the re-check of %(service)s: %(result)s."),
                {
                    "manager": display_name(acting_user),
                    "service": entry,
                    "result": result.label,
                },
            )
            notify(
                active_users(told),
                text,
                locked.get_absolute_url(),
                municipality=entry.municipality,
                verb=Verb.RECHECK_ANSWERED,
            )
    return locked


def order_recheck(
    *,
    acting_user: Actor,
    municipality: Any,
    trigger: str,
    details: str,
    due_date: datetime.date,
    entry: LedgerEntry | None = None,
    provider: Provider | None = None,
) -> RecheckOrder:
    """Order the service manager(s) to re-check one service or every service of a provider (Kobe §6.3)."""
    trigger = OrderTrigger(trigger)
    details = details.strip()
    if not can(acting_user, Capability.ORDER_RECHECK, municipality):
        raise PermissionDenied(
            _("Only the %(security_manager)s or the %(chief)s may order a re-check.")
            % roles_in_sentence(municipality, Role.SECURITY_MANAGER, Role.CHIEF)
        )
    if (entry is None) == (provider is None):
        raise WorkflowError(
            gettext_lazy("name either one service or one provider"),
            code="scope",
        )
    if not details:
        raise WorkflowError(
            gettext_lazy("say what is to be checked"),
            code="details_required",
        )
    if due_date < timezone.localdate():
        raise WorkflowError(
            gettext_lazy("the due date is in the past"),
            code="due_date",
        )
    with transaction.atomic():
        if entry is not None:
            if entry.municipality_id != municipality.pk:
                raise PermissionDenied(_("This service belongs to another municipality."))
            targets = list(
                LedgerEntry.objects.select_for_update().filter(pk=entry.pk, status__in=ACTIVE_STATUSES)
            )
            scope = OrderScope.SERVICE
        else:
            assert provider is not None
            if provider.municipality_id != municipality.pk:
                raise PermissionDenied(_("This provider belongs to another municipality."))
            targets = list(
                LedgerEntry.objects.select_for_update()
                .filter(municipality=municipality, service__provider=provider, status__in=ACTIVE_STATUSES)
                .order_by("id")
            )
            scope = OrderScope.PROVIDER
        if not targets:
            raise WorkflowError(
                gettext_lazy("no service in use to re-check"),
                code="no_target",
            )
        order = RecheckOrder.objects.create(
            municipality=municipality,
            trigger=trigger,
            scope=scope,
            entry=entry,
            provider=provider,
            details=details,
            due_date=due_date,
            ordered_by=signed_in(acting_user),
        )
        record(
            acting_user,
            Action.LIFECYCLE_ORDER_CREATE,
            order,
            None,
            state_of(order, "trigger", "scope", "entry", "provider", "details", "due_date"),
        )
        for target in targets:
            recheck = open_recheck(
                acting_user,
                target,
                RecheckTrigger(trigger.value),
                due_date,
                basis_triggers=(trigger.value, RecheckTrigger.ORDERED),
                order=order,
            )
            text = Message(
                gettext_noop("%(who)s orders a re-check of %(service)s (%(reason)s) by %(date)s."),
                {
                    "who": display_name(acting_user),
                    "service": target,
                    "reason": trigger.label,
                    "date": _city_date(due_date),
                },
            )
            notify(
                [target.service_manager],
                text,
                recheck.get_absolute_url(),
                municipality=municipality,
                verb=Verb.RECHECK_ORDERED,
            )
    return order


def _what_it_asks(recheck: Recheck) -> Message | None:
    """What a scheduled re-check's rule asks, after its reminder: a service's periodic re-checks are
    all 定期確認, often due the same day, and their notifications would read alike without it."""
    if not recheck.rule_key:
        return None
    return Message(gettext_noop("It asks: %(rule)s"), {"rule": lazy(recheck.in_brief, str)()})


def remind_recheck(recheck: Recheck, *, today: datetime.date) -> bool:
    """Tell the service manager a re-check falls due soon (once); False if it no longer needs it."""
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().select_related("entry").get(pk=recheck.pk)
        if locked.status != RecheckStatus.OPEN or locked.reminded_at is not None or locked.due_date < today:
            return False
        before = state_of(locked, "reminded_at")
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        record(SYSTEM, Action.LIFECYCLE_RECHECK_REMIND, locked, before, state_of(locked, "reminded_at"))
        entry = locked.entry
        text = Message(
            gettext_noop("The %(kind)s of %(service)s is due on %(date)s."),
            {
                "kind": RecheckTrigger(locked.trigger).label,
                "service": entry,
                "date": _city_date(locked.due_date),
            },
            then=_what_it_asks(locked),
        )
        notify(
            [entry.service_manager],
            text,
            locked.get_absolute_url(),
            municipality=entry.municipality,
            verb=Verb.RECHECK_DUE,
        )
    return True


def escalate_recheck(recheck: Recheck, *, today: datetime.date) -> bool:
    """Tell the manager, the approver of the service's track and the chief that a re-check is overdue."""
    with transaction.atomic():
        locked = Recheck.objects.select_for_update().select_related("entry").get(pk=recheck.pk)
        if locked.status != RecheckStatus.OPEN or locked.escalated_at is not None or locked.due_date >= today:
            return False
        before = state_of(locked, "escalated_at")
        locked.escalated_at = timezone.now()
        locked.save(update_fields=["escalated_at"])
        entry = locked.entry
        recipients = [entry.service_manager, *overseers(entry)]
        after = state_of(locked, "escalated_at") | {"told": sorted({u.get_username() for u in recipients})}
        record(SYSTEM, Action.LIFECYCLE_RECHECK_ESCALATE, locked, before, after)
        emit(EventType.RECHECK_OVERDUE, entry.municipality, locked)
        text = Message(
            gettext_noop("The %(kind)s of %(service)s was due on %(date)s and has not been answered."),
            {
                "kind": RecheckTrigger(locked.trigger).label,
                "service": entry,
                "date": _city_date(locked.due_date),
            },
            then=_what_it_asks(locked),
        )
        notify(
            recipients,
            text,
            locked.get_absolute_url(),
            municipality=entry.municipality,
            verb=Verb.RECHECK_OVERDUE,
        )
    return True


def open_event_recheck(
    entry: LedgerEntry, trigger: RecheckTrigger, *, today: datetime.date, acting_user: Actor = SYSTEM
) -> Recheck:
    """A re-check of one service opened by an event kumokan notices itself (a lapsing certification:
    kumokan.lifecycle.lapses), due after the municipality's triggered_recheck_days; runs in the caller's
    transaction, which tells the service manager."""
    due_date = today + datetime.timedelta(days=settings_for(entry.municipality).triggered_recheck_days)
    return open_recheck(acting_user, entry, trigger, due_date)


def open_recheck(
    acting_user: Actor,
    entry: LedgerEntry,
    trigger: RecheckTrigger,
    due_date: datetime.date,
    *,
    basis_triggers: Iterable[str] = (),
    **links: Any,
) -> Recheck:
    """A triggered re-check of one service, citing the judgment's rules for these triggers."""
    snapshot = snapshot_of(entry)
    basis: list[RecheckRule] = []
    for name in basis_triggers:
        basis += [rule for rule in recheck_rules(snapshot, name) if rule not in basis]
    recheck = Recheck.objects.create(entry=entry, trigger=trigger, basis=basis, due_date=due_date, **links)
    record(acting_user, Action.LIFECYCLE_RECHECK_OPEN, recheck, None, state_of(recheck, *RECHECK_FIELDS))
    return recheck
