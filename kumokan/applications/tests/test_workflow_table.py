"""The state machine table: every transition it lists works, and every other step is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kumokan.applications import actions
from kumokan.applications.choices import Outcome, Party, Status, Step
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.applications.workflow import TRANSITIONS, steps_from, transition
from kumokan.errors import WorkflowError

pytestmark = pytest.mark.django_db


def in_status(c: f.City, status: Status) -> Application:
    """A Kobe high-track application brought to `status` through the actions."""
    if status == Status.DRAFT:
        application = f.draft(c)
        f.answer_all(application)
        return f.fresh(application)
    if status == Status.SUBMITTED:
        return f.fresh(f.submitted(c))
    if status == Status.WITHDRAWN:
        application = f.draft(c)
        return actions.withdraw(acting_user=c.applicant, application=application)
    outcome = {
        Status.APPROVED: Outcome.APPROVED,
        Status.REJECTED: Outcome.REJECTED,
        Status.RETURNED: Outcome.RETURNED,
    }
    return f.decided(c, outcome[status])


def take(c: f.City, application: Application, step: Step) -> Any:
    """Take `step` as the party the table names (the applicant, or the Kobe high-track approver)."""
    version = application.version
    steps: dict[Step, Callable[[], Any]] = {
        Step.EDIT: lambda: actions.update_draft(
            acting_user=c.applicant,
            application=application,
            changes={"notes": "追記"},
            expected_version=version,
        ),
        Step.SUBMIT: lambda: actions.submit(
            acting_user=c.applicant, application=application, expected_version=version
        ),
        Step.RESUBMIT: lambda: actions.resubmit(
            acting_user=c.applicant, application=application, expected_version=version
        ),
        Step.WITHDRAW: lambda: actions.withdraw(
            acting_user=c.applicant, application=application, expected_version=version
        ),
        Step.APPROVE: lambda: actions.decide(
            acting_user=c.security_manager,
            application=application,
            outcome=Outcome.APPROVED,
            expected_version=version,
        ),
        Step.REJECT: lambda: actions.decide(
            acting_user=c.security_manager,
            application=application,
            outcome=Outcome.REJECTED,
            reason="要件を満たさない",
            expected_version=version,
        ),
        Step.RETURN: lambda: actions.decide(
            acting_user=c.security_manager,
            application=application,
            outcome=Outcome.RETURNED,
            reason="記載の補正を求める",
            expected_version=version,
        ),
    }
    return steps[step]()


ALLOWED = [(t.source, t.step, t.target) for t in TRANSITIONS]
REFUSED = [(status, step) for status in Status for step in Step if step not in steps_from(status)]


@pytest.mark.parametrize(("source", "step", "target"), ALLOWED, ids=[f"{s}-{st}" for s, st, _ in ALLOWED])
def test_every_transition_in_the_table_works(source: Status, step: Step, target: Status) -> None:
    c = f.city("kobe")
    application = in_status(c, source)
    take(c, application, step)
    assert f.fresh(application).status == target


@pytest.mark.parametrize(("source", "step"), REFUSED, ids=[f"{s}-{st}" for s, st in REFUSED])
def test_every_other_step_is_refused_as_an_invalid_transition(source: Status, step: Step) -> None:
    c = f.city("kobe")
    application = in_status(c, source)
    with pytest.raises(WorkflowError) as refused:
        take(c, application, step)
    assert refused.value.code == "invalid_transition"
    assert f.fresh(application).status == source


def test_the_table_names_who_takes_each_step() -> None:
    deciding = {Step.APPROVE, Step.REJECT, Step.RETURN}
    for t in TRANSITIONS:
        assert t.party == (Party.APPROVER if t.step in deciding else Party.APPLICANT)


def test_final_states_allow_no_step() -> None:
    for status in (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN):
        assert steps_from(status) == []


def test_transition_refusal_speaks_japanese_and_english() -> None:
    with pytest.raises(WorkflowError) as refused:
        transition(Status.APPROVED, Step.WITHDRAW)
    assert refused.value.ja == "「承認」の申請は取下げできません。"
    assert "Approved" in refused.value.en
