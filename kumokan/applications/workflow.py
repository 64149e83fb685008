"""The application's state machine: one table of transitions that the actions and the tests both read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kumokan.applications.choices import Party, Status, Step
from kumokan.errors import WorkflowError


@dataclass(frozen=True)
class Transition:
    source: Status
    step: Step
    target: Status
    party: Party


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.DRAFT, Step.EDIT, Status.DRAFT, Party.APPLICANT),
    Transition(Status.DRAFT, Step.SUBMIT, Status.SUBMITTED, Party.APPLICANT),
    Transition(Status.DRAFT, Step.WITHDRAW, Status.WITHDRAWN, Party.APPLICANT),
    Transition(Status.SUBMITTED, Step.APPROVE, Status.APPROVED, Party.APPROVER),
    Transition(Status.SUBMITTED, Step.REJECT, Status.REJECTED, Party.APPROVER),
    Transition(Status.SUBMITTED, Step.RETURN, Status.RETURNED, Party.APPROVER),
    Transition(Status.SUBMITTED, Step.WITHDRAW, Status.WITHDRAWN, Party.APPLICANT),
    Transition(Status.RETURNED, Step.EDIT, Status.RETURNED, Party.APPLICANT),
    Transition(Status.RETURNED, Step.RESUBMIT, Status.SUBMITTED, Party.APPLICANT),
    Transition(Status.RETURNED, Step.WITHDRAW, Status.WITHDRAWN, Party.APPLICANT),
)
# approved, rejected and withdrawn are final: an approved use lives on in the ledger.


def transition(status: str, step: Step) -> Transition:
    """The transition for `step` from `status`, or a WorkflowError saying it is not allowed."""
    for candidate in TRANSITIONS:
        if candidate.source == status and candidate.step == step:
            return candidate
    raise WorkflowError(
        _("an application in state %(status)s cannot take the step %(step)s"),
        code="invalid_transition",
        params={"status": Status(status).label, "step": Step(step).label},
    )


def steps_from(status: str) -> list[Step]:
    """The steps the table allows from `status` (for any party)."""
    return [t.step for t in TRANSITIONS if t.source == status]
