"""A finding raised by the city pack and an overlay with one code is one finding with both sources
(issue 15, point 5; CONTRACT.md): its explanation is keyed by (pack, code) and records every pack it
answered, so an explanation given for one pack's finding never silently answers the merged one."""

from __future__ import annotations

import pytest

from kumokan.applications import actions
from kumokan.applications.models import FindingExplanation, explanations_by_finding
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError

pytestmark = pytest.mark.django_db


def merged_draft() -> tuple[f.City, object, dict]:  # type: ignore[type-arg]
    c = f.city("kobe")  # with the special-terms overlay
    application = f.draft(c, data_location="US")
    finding = next(x for x in application.judgment.findings() if x["code"] == "data_outside_japan")
    assert finding["packs"] == ["kobe", "special-terms"]
    return c, application, finding


def explain(application, finding, text="国内リージョンを契約で指定する。"):  # type: ignore[no-untyped-def]
    return actions.explain_finding(
        acting_user=application.applicant,
        application=application,
        pack_id=finding["pack"],
        code=finding["code"],
        explanation=text,
    )


def test_the_explanation_of_a_merged_finding_records_both_packs_and_is_audited() -> None:
    _c, application, finding = merged_draft()
    saved = explain(application, finding)
    assert saved.pack_id == finding["pack"] and saved.packs == ["kobe", "special-terms"]
    row = AuditEvent.objects.get(action="application.explain_finding")
    assert row.after["packs"] == ["kobe", "special-terms"]
    assert f"{finding['pack']}:data_outside_japan" in explanations_by_finding(
        application, application.judgment
    )
    assert "unexplained_finding" not in [p.code for p in actions.submission_problems(f.fresh(application))]


def test_an_explanation_given_for_one_packs_finding_does_not_answer_the_merged_one() -> None:
    _c, application, finding = merged_draft()
    FindingExplanation.objects.create(
        application=application,
        pack_id=finding["pack"],
        code=finding["code"],
        packs=[finding["pack"]],
        explanation="特約で国内保存とする。",
        explained_by=application.applicant,
    )
    assert explanations_by_finding(application, application.judgment) == {}
    problems = actions.submission_problems(f.fresh(application))
    assert "unexplained_finding" in [p.code for p in problems]


def test_explaining_it_again_with_the_same_words_answers_every_pack_now() -> None:
    _c, application, finding = merged_draft()
    FindingExplanation.objects.create(
        application=application,
        pack_id=finding["pack"],
        code=finding["code"],
        packs=[finding["pack"]],
        explanation="特約で国内保存とする。",
        explained_by=application.applicant,
    )
    saved = explain(f.fresh(application), finding, "特約で国内保存とする。")
    assert saved.packs == ["kobe", "special-terms"]
    assert FindingExplanation.objects.filter(application=application).count() == 1
    with pytest.raises(WorkflowError) as refused:
        explain(f.fresh(application), finding, "特約で国内保存とする。")
    assert refused.value.code == "unchanged"


def test_the_checklist_page_offers_the_earlier_words_but_counts_the_finding_unexplained(client) -> None:  # type: ignore[no-untyped-def]
    c, application, finding = merged_draft()
    FindingExplanation.objects.create(
        application=application,
        pack_id=finding["pack"],
        code=finding["code"],
        packs=[finding["pack"]],
        explanation="特約で国内保存とする。",
        explained_by=application.applicant,
    )
    client.force_login(c.applicant)
    page = client.get(f"/applications/{application.pk}/checklist/")
    form = page.context["form"]
    row = next(r for r in form.finding_rows() if r.finding["code"] == "data_outside_japan")
    assert row.saved is None
    assert row.explanation.initial == "特約で国内保存とする。"
