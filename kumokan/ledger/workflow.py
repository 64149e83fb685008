"""The ledger entry's status machine: one table that the actions and the tests both read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus, EntryStep
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import in_sentence


@dataclass(frozen=True)
class EntryTransition:
    source: EntryStatus
    step: EntryStep
    target: EntryStatus
    reason_required: bool


# Every step is taken by the entry's service manager or the municipality's administrator.
TRANSITIONS: tuple[EntryTransition, ...] = (
    EntryTransition(EntryStatus.APPROVED, EntryStep.EDIT, EntryStatus.APPROVED, True),
    EntryTransition(EntryStatus.IN_OPERATION, EntryStep.EDIT, EntryStatus.IN_OPERATION, True),
    EntryTransition(EntryStatus.SUSPENDED, EntryStep.EDIT, EntryStatus.SUSPENDED, True),
    EntryTransition(EntryStatus.APPROVED, EntryStep.START_OPERATION, EntryStatus.IN_OPERATION, False),
    EntryTransition(EntryStatus.IN_OPERATION, EntryStep.SUSPEND, EntryStatus.SUSPENDED, True),
    EntryTransition(EntryStatus.SUSPENDED, EntryStep.RESUME, EntryStatus.IN_OPERATION, True),
    # An approved service may be given up before it ever runs; it still stays in the ledger.
    EntryTransition(EntryStatus.APPROVED, EntryStep.RETIRE, EntryStatus.RETIRED, True),
    EntryTransition(EntryStatus.IN_OPERATION, EntryStep.RETIRE, EntryStatus.RETIRED, True),
    EntryTransition(EntryStatus.SUSPENDED, EntryStep.RETIRE, EntryStatus.RETIRED, True),
)
# retired is final (Kobe §7.2: 稼働中 → 廃止済み); the entry is never deleted.


def transition(status: str, step: EntryStep, municipality: Municipality) -> EntryTransition:
    """The transition for `step` from `status`, or a WorkflowError saying it is not allowed (naming the
    ledger as the entry's municipality does)."""
    for candidate in TRANSITIONS:
        if candidate.source == status and candidate.step == step:
            return candidate
    raise WorkflowError(
        _("a %(ledger)s entry in state %(status)s cannot take the step %(step)s"),
        code="invalid_transition",
        params={"status": EntryStatus(status).label, "step": EntryStep(step).label}
        | in_sentence(municipality),
    )


def steps_from(status: str) -> list[EntryStep]:
    return [t.step for t in TRANSITIONS if t.source == status]
