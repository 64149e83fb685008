"""A ledger entry's status over its life: every transition of the table works, every other is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.ledger.workflow import TRANSITIONS, steps_from
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.termination import complete_termination
from kumokan.lifecycle.choices import TerminationStep
from kumokan.lifecycle.tests import factories as lifecycle

pytestmark = pytest.mark.django_db

STEPS = {
    EntryStep.START_OPERATION: entries.start_operation,
    EntryStep.SUSPEND: entries.suspend,
    EntryStep.RESUME: entries.resume,
    EntryStep.RETIRE: entries.retire,
}
PATH = {
    EntryStatus.APPROVED: [],
    EntryStatus.IN_OPERATION: [EntryStep.START_OPERATION],
    EntryStatus.SUSPENDED: [EntryStep.START_OPERATION, EntryStep.SUSPEND],
    EntryStatus.RETIRED: [EntryStep.RETIRE],
}
AUDIT = {
    EntryStep.START_OPERATION: "ledger.start_operation",
    EntryStep.SUSPEND: "ledger.suspend",
    EntryStep.RESUME: "ledger.resume",
    EntryStep.RETIRE: "ledger.retire",
}


def in_status(c: f.City, status: EntryStatus) -> LedgerEntry:
    entry = f.entry(c)
    for step in PATH[status]:
        entry = take(c, entry, step, reason="準備")
    return entry


def take(c: f.City, entry: LedgerEntry, step: EntryStep, reason: str = "理由") -> LedgerEntry:
    """Take `step` as the service manager, first meeting the lifecycle's gates (kumokan.lifecycle.gates)."""
    if step == EntryStep.START_OPERATION:
        lifecycle.confirm_required(entry)
    if step == EntryStep.RETIRE:
        # Only a completed termination retires an entry (Kobe §7.1⑥); completing it calls retire.
        termination = lifecycle.terminated_up_to(entry, TerminationStep.SPECIAL_ACCOUNTS)
        complete_termination(acting_user=c.applicant, termination=termination, note=reason)
        return LedgerEntry.objects.get(pk=entry.pk)
    return STEPS[step](acting_user=c.applicant, entry=entry, reason=reason)


ALLOWED = [(t.source, t.step, t.target) for t in TRANSITIONS if t.step != EntryStep.EDIT]
REFUSED = [(s, st) for s in EntryStatus for st in STEPS if st not in steps_from(s)]


@pytest.mark.parametrize(("source", "step", "target"), ALLOWED, ids=[f"{s}-{st}" for s, st, _ in ALLOWED])
def test_every_status_transition_in_the_table_works(
    source: EntryStatus, step: EntryStep, target: EntryStatus
) -> None:
    c = f.city("kobe")
    entry = in_status(c, source)
    assert take(c, entry, step).status == target
    assert LedgerEntry.objects.get(pk=entry.pk).status == target


@pytest.mark.parametrize(("source", "step"), REFUSED, ids=[f"{s}-{st}" for s, st in REFUSED])
def test_every_other_status_step_is_refused(source: EntryStatus, step: EntryStep) -> None:
    c = f.city("kobe")
    entry = in_status(c, source)
    with pytest.raises(WorkflowError) as refused:
        STEPS[step](acting_user=c.applicant, entry=entry, reason="理由")
    assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize("step", list(STEPS))
def test_each_status_step_is_audited_and_versioned(step: EntryStep) -> None:
    c = f.city("kobe")
    source = next(t.source for t in TRANSITIONS if t.step == step)
    entry = in_status(c, source)
    moved = take(c, entry, step)
    event = AuditEvent.objects.filter(action=AUDIT[step]).latest("id")
    assert event.before == {"status": source.value}
    assert event.after["status"] == moved.status
    assert event.after["reason"] == "理由"
    change = LedgerChange.objects.filter(entry=entry).latest("entry_version")
    assert change.entry_version == moved.version
    assert change.after["status"] == moved.status


@pytest.mark.parametrize("step", [EntryStep.SUSPEND, EntryStep.RESUME, EntryStep.RETIRE])
def test_suspend_resume_and_retire_need_a_reason(step: EntryStep) -> None:
    c = f.city("kobe")
    entry = in_status(c, next(t.source for t in TRANSITIONS if t.step == step))
    with pytest.raises(WorkflowError) as refused:
        STEPS[step](acting_user=c.applicant, entry=entry, reason="")
    assert refused.value.code == "reason_required"


def test_starting_operation_records_the_time() -> None:
    c = f.city("kobe")
    entry = take(c, f.entry(c), EntryStep.START_OPERATION)
    assert entry.operation_started_at is not None


def test_a_retired_entry_stays_in_the_ledger_with_its_date() -> None:
    c = f.city("kobe")
    entry = in_status(c, EntryStatus.RETIRED)
    assert LedgerEntry.objects.filter(
        pk=entry.pk, status=EntryStatus.RETIRED, retired_at__isnull=False
    ).exists()


def test_status_steps_are_refused_to_others_than_manager_and_administrator() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    lifecycle.confirm_required(entry)
    with pytest.raises(PermissionDenied):
        entries.start_operation(acting_user=c.security_manager, entry=entry)
    assert (
        entries.start_operation(acting_user=c.administrator, entry=entry).status == EntryStatus.IN_OPERATION
    )
