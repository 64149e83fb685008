"""A service's life in the ledger: entered when approved or imported (with the phase checklists and, for a
service already in operation, its first re-checks), then started, suspended, resumed and retired.

Each step passes the lifecycle's gate (kumokan.lifecycle.gates): operation starts only when the items
required before it are confirmed, retiring waits for an open termination step, and the re-checks follow
the status. The entry's own rows and edits are the ledger's (kumokan.ledger.actions); an approval reaches
here through kumokan.applications.signals.application_approved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from kumokan.applications.models import Application, Decision, JudgmentSnapshot
from kumokan.audit.actions import record, record_many, state_of
from kumokan.audit.choices import Action
from kumokan.core.actors import Actor
from kumokan.core.bulk import insert_new
from kumokan.errors import rendered
from kumokan.ledger import counts
from kumokan.ledger.actions import (
    entry_state,
    given_reason,
    lock_entry,
    new_entry,
    report_change,
    save_change,
    set_manager,
)
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.models import LedgerEntry
from kumokan.ledger.workflow import transition
from kumokan.lifecycle import gates
from kumokan.lifecycle.schedule import schedule_first_rechecks
from kumokan.notifications.messages import Message
from kumokan.policy import Judgment
from kumokan.tenancy.vocabulary import word
from kumokan.webhooks.choices import EventType
from kumokan.webhooks.events import emit


def register_entry(
    *,
    acting_user: Actor,
    application: Application,
    decision: Decision,
    snapshot: JudgmentSnapshot,
    service_manager: Any,
) -> LedgerEntry:
    """Record an approved application in the ledger (status 承認済み); runs inside `decide`
    (kumokan.applications.actions), which sends application_approved."""
    entry = new_entry(application, decision, snapshot.judgment)
    set_manager(entry, service_manager)
    build_entries(acting_user, [(entry, snapshot.judgment, {})], action=Action.LEDGER_REGISTER)
    report_change(
        acting_user,
        entry,
        Message(
            gettext_noop("%(service)s was entered in the %(ledger)s (%(department)s)."),
            {"service": entry, "ledger": word(entry.municipality, "ledger"), "department": entry.department},
        ),
    )
    return entry


def build_entries(
    acting_user: Actor,
    entries: list[tuple[LedgerEntry, Judgment, dict[str, Any]]],
    *,
    action: Action,
) -> None:
    """Save new ledger entries, each given with the judgment it was approved under and what its audit
    row adds (the import's file and row), in one batch: the entries, one audit row each, the phase
    checklist tasks the judgment lists and, for those already in operation, their first re-checks.

    Every entry comes to be through here, one approved application or ten thousand imported rows, so
    that an imported entry meets the same gate before operation as an approved one."""
    if not entries:
        return
    municipality = entries[0][0].municipality
    insert_new([entry for entry, _judgment, _extra in entries])
    counts.added(entry for entry, _judgment, _extra in entries)
    record_many(
        acting_user,
        action,
        [(entry, None, entry_state(entry) | extra) for entry, _judgment, extra in entries],
        municipality=municipality,
    )
    judged = [(entry, judgment) for entry, judgment, _extra in entries]
    gates.open_tasks_of_new_entries(judged, acting_user=acting_user)
    schedule_first_rechecks(
        [(e, j) for e, j in judged if e.status == EntryStatus.IN_OPERATION], acting_user=acting_user
    )


def start_operation(
    *, acting_user: Actor, entry: LedgerEntry, reason: str = "", expected_version: int | None = None
) -> LedgerEntry:
    """承認済み → 稼働中: the service goes into use."""
    return _step(acting_user, entry, EntryStep.START_OPERATION, reason, expected_version)


def suspend(
    *, acting_user: Actor, entry: LedgerEntry, reason: str | Promise, expected_version: int | None = None
) -> LedgerEntry:
    """稼働中 → 停止中, e.g. when a nonconformity cannot be corrected (Kobe §6.2)."""
    return _step(acting_user, entry, EntryStep.SUSPEND, reason, expected_version)


def resume(
    *, acting_user: Actor, entry: LedgerEntry, reason: str, expected_version: int | None = None
) -> LedgerEntry:
    """停止中 → 稼働中."""
    return _step(acting_user, entry, EntryStep.RESUME, reason, expected_version)


def retire(
    *, acting_user: Actor, entry: LedgerEntry, reason: str, expected_version: int | None = None
) -> LedgerEntry:
    """→ 廃止済み (Kobe §7.2); the entry stays in the ledger."""
    return _step(acting_user, entry, EntryStep.RETIRE, reason, expected_version)


_AUDIT_ACTIONS = {
    EntryStep.START_OPERATION: Action.LEDGER_START_OPERATION,
    EntryStep.SUSPEND: Action.LEDGER_SUSPEND,
    EntryStep.RESUME: Action.LEDGER_RESUME,
    EntryStep.RETIRE: Action.LEDGER_RETIRE,
}


def _step(
    acting_user: Actor,
    entry: LedgerEntry,
    step: EntryStep,
    reason: str | Promise,
    expected_version: int | None,
) -> LedgerEntry:
    """One step; `reason` is what the person typed, or a lazy text when the system gives the reason (a
    corrective action that cannot be corrected), which the history keeps to translate for each reader."""
    with transaction.atomic():
        locked = lock_entry(acting_user, entry, expected_version)
        move = transition(locked.status, step, locked.municipality)
        typed = "" if isinstance(reason, Promise) else given_reason(reason, move.reason_required)
        gates.check_step(locked, step, reason=typed)
        before = state_of(locked, "status")
        locked.status = move.target
        changed = ["status"]
        now = timezone.now()
        if step == EntryStep.START_OPERATION:
            locked.operation_started_at = now
            changed.append("operation_started_at")
        elif step == EntryStep.RETIRE:
            locked.retired_at = now
            changed.append("retired_at")
        after = state_of(locked, *changed)
        said = reason if isinstance(reason, Promise) else typed
        # No reason typed (starting operation needs none): the history says which step it was.
        save_change(acting_user, locked, changed, before, after, said or move.step.label)
        counts.moved(locked, before["status"])
        # The audit trail and the webhook's payload are written once, in the municipality's language.
        kept = rendered(said, settings.LANGUAGE_CODE)
        record(acting_user, _AUDIT_ACTIONS[step], locked, before, after | {"reason": kept})
        gates.follow_step(locked, step, acting_user=acting_user)
        emit(
            EventType.LEDGER_ENTRY_STATUS_CHANGED,
            locked.municipality,
            locked,
            previous_status=before["status"],
            reason=kept,
        )
        report_change(
            acting_user,
            locked,
            Message(
                gettext_noop("The status of %(service)s in the %(ledger)s is now %(status)s. %(reason)s"),
                {
                    "service": locked,
                    "ledger": word(locked.municipality, "ledger"),
                    "status": EntryStatus(move.target).label,
                    "reason": said,
                },
            ),
        )
    return locked


# The steps by name, for the pages and the API.
STEP_ACTIONS: dict[str, Callable[..., LedgerEntry]] = {
    EntryStep.START_OPERATION: start_operation,
    EntryStep.SUSPEND: suspend,
    EntryStep.RESUME: resume,
    EntryStep.RETIRE: retire,
}


def on_application_approved(
    sender: Any,
    *,
    acting_user: Actor,
    application: Application,
    decision: Decision,
    snapshot: JudgmentSnapshot,
    service_manager: Any,
    **kwargs: Any,
) -> LedgerEntry:
    """Receives kumokan.applications.signals.application_approved (connected in LifecycleConfig.ready)."""
    return register_entry(
        acting_user=acting_user,
        application=application,
        decision=decision,
        snapshot=snapshot,
        service_manager=service_manager,
    )
