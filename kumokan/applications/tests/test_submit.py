"""Submitting: what must be done first, and what submitting records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications import actions
from kumokan.applications.choices import Answer, Outcome, Status
from kumokan.applications.tests import factories as f
from kumokan.errors import ConflictError, WorkflowError
from kumokan.policy import PACK_DIR

pytestmark = pytest.mark.django_db


def refusal_codes(c: f.City, application) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError) as refused:
        actions.submit(acting_user=application.applicant, application=application)
    assert refused.value.code == "not_ready"
    assert f.fresh(application).status == Status.DRAFT
    return [p.code for p in refused.value.details]


def test_submit_is_refused_with_an_unexplained_blocking_finding() -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    f.answer_all(application)
    assert [x["code"] for x in application.judgment.findings("block")] == ["required_clauses_missing"]
    assert refusal_codes(c, application) == ["unexplained_finding"]


def test_submit_passes_once_the_blocking_finding_is_explained() -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    f.answer_all(application)
    f.explain_blocking(application)
    assert actions.submit(acting_user=c.applicant, application=application).status == Status.SUBMITTED


def test_submit_is_refused_while_selection_items_are_unanswered() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    assert refusal_codes(c, application) == ["unanswered_items"]


def test_items_of_later_phases_need_no_answer_to_submit() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application, phase="selection")
    assert actions.unanswered_items(application, phase="build")
    assert actions.submission_problems(application) == []


def test_a_nonconforming_answer_does_not_stop_submission_but_needs_a_note() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    with pytest.raises(WorkflowError) as refused:
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id=item["pack"],
            item_id=item["id"],
            answer=Answer.DOES_NOT_CONFORM,
        )
    assert refused.value.code == "note_required"
    actions.answer_item(
        acting_user=c.applicant,
        application=application,
        pack_id=item["pack"],
        item_id=item["id"],
        answer=Answer.DOES_NOT_CONFORM,
        note="監査報告書は次年度に提出される予定",
    )
    f.answer_all(application)
    assert actions.submission_problems(application) == []


def test_kitakyushu_refuses_a_high_track_application_naming_several_functions() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.draft(c, functions=["申請受付", "決済"])
    f.answer_all(application)
    assert refusal_codes(c, application) == ["one_function"]


@pytest.mark.parametrize(
    ("high", "functions"),
    [(True, []), (False, ["申請受付", "決済"]), (False, [])],
    ids=["high-none", "low-two", "low-none"],
)
def test_kitakyushu_one_function_rule_binds_only_the_high_track_and_a_missing_name(
    high: bool, functions: list[str]
) -> None:
    # 5.2(1)① stands in the 重要情報資産 procedure; no function named is one application for the service.
    c = f.city("kitakyushu", overlays=())
    application = f.draft(c, high=high, functions=functions)
    f.answer_all(application)
    assert "one_function" not in [p.code for p in actions.submission_problems(application)]


def test_kitakyushu_accepts_one_function_and_catalogues_it() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.submitted(c, functions=["施設予約"])
    assert application.status == Status.SUBMITTED
    assert application.service.function_name == "施設予約"


def test_other_cities_take_several_functions_in_one_application() -> None:
    c = f.city("kobe")
    application = f.submitted(c, functions=["申請受付", "決済"])
    assert application.status == Status.SUBMITTED
    assert application.service.function_name == "申請受付・決済"


def test_only_the_applicant_may_submit() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application)
    with pytest.raises(PermissionDenied):
        actions.submit(acting_user=c.head, application=application)


def test_submit_with_a_stale_version_is_a_conflict() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application)
    with pytest.raises(ConflictError):
        actions.submit(acting_user=c.applicant, application=application, expected_version=1)


def test_submit_records_the_time() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    assert f.fresh(application).submitted_at is not None


def test_submit_judges_again_when_the_pack_changed_and_keeps_the_old_snapshot(
    tmp_path: Path, settings: Any
) -> None:
    c = f.city("kobe")
    application = f.draft(c)
    f.answer_all(application)
    first = application.judgment
    revised = (
        (Path(PACK_DIR) / "kobe.yaml")
        .read_text(encoding="utf-8")
        .replace(f'version: "{first.packs[0]["version"]}"', 'version: "99.0.1"', 1)
    )
    (tmp_path / "kobe.yaml").write_text(revised, encoding="utf-8")
    settings.KUMOKAN_PACK_PATH = [str(tmp_path)]
    actions.submit(acting_user=c.applicant, application=application)
    current = f.fresh(application).judgment
    assert current.pk != first.pk
    assert current.packs[0]["version"] == "99.0.1"
    installed = first.packs[0]["version"]
    first.refresh_from_db()
    assert first.packs[0]["version"] == installed


def test_resubmit_after_return_checks_again_and_notifies_the_approver() -> None:
    c = f.city("kobe")
    application = f.decided(c, Outcome.RETURNED)
    actions.update_draft(
        acting_user=c.applicant,
        application=application,
        changes={"facts": f.facts(required_clauses_present=False)},
    )
    with pytest.raises(WorkflowError) as refused:
        actions.resubmit(acting_user=c.applicant, application=application)
    assert [p.code for p in refused.value.details] == ["unexplained_finding"]
    f.explain_blocking(application)
    assert actions.resubmit(acting_user=c.applicant, application=application).status == Status.SUBMITTED
    assert c.security_manager.notifications.filter(verb="submitted").count() == 2
