"""Drafting an application: facts judged by the engine, snapshots, checklist answers and explanations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from kumokan.applications import actions
from kumokan.applications.choices import Answer, Outcome, Status
from kumokan.applications.models import ChecklistAnswer, JudgmentSnapshot
from kumokan.applications.tests import factories as f
from kumokan.catalog.models import CloudService
from kumokan.errors import ConflictError, WorkflowError
from kumokan.policy import FactsError

pytestmark = pytest.mark.django_db


def test_create_draft_stores_the_canonical_facts_and_the_first_judgment() -> None:
    c = f.city("kobe")
    application = f.draft(c, certifications=["SOC2", "ISMAP"])
    assert application.status == Status.DRAFT
    assert application.version == 1
    assert application.facts["certifications"] == ["ISMAP", "SOC2"]
    assert application.facts["deployment"] == "public"
    snapshot = application.judgment
    assert snapshot.track == "high"
    assert snapshot.packs == [
        {"id": p["id"], "version": p["version"], "digest": p["digest"]} for p in snapshot.judgment["packs"]
    ]
    assert [p["id"] for p in snapshot.packs] == ["kobe", "special-terms"]


def test_create_draft_adds_the_service_to_the_catalogue() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    assert application.service.name == "電子申請サービス"
    assert application.service.provider.name == "株式会社クラウド自治"
    assert application.service.service_model == "saas"


def test_the_same_service_written_in_full_width_is_the_same_catalogue_entry() -> None:
    c = f.city("kobe")
    first = f.draft(c, provider="ABC Cloud株式会社")
    second = f.draft(c, provider="ＡＢＣ　ｃｌｏｕｄ株式会社")
    assert first.service == second.service
    assert CloudService.objects.count() == 1


def test_create_draft_returns_the_engines_problems_per_key() -> None:
    c = f.city("kobe")
    with pytest.raises(FactsError) as refused:
        f.draft(c, purpose=" ", color="red", handles_personal_info="yes")
    assert {p.where for p in refused.value.problems} == {"purpose", "color", "handles_personal_info"}
    assert all(p.ja and p.en for p in refused.value.problems)
    assert not c.municipality.applications.exists()


def test_create_draft_reports_a_classification_code_foreign_to_the_pack() -> None:
    c = f.city("kitakyushu", overlays=())
    with pytest.raises(FactsError) as refused:
        f.draft(c, confidentiality="2")
    assert [p.where for p in refused.value.problems] == ["confidentiality"]
    assert "北九州市" in refused.value.problems[0].ja


def test_create_draft_is_refused_without_an_applying_role_in_the_department() -> None:
    c = f.city("kobe")
    with pytest.raises(PermissionDenied):
        f.draft(c, applicant=c.staff)
    with pytest.raises(PermissionDenied):
        f.draft(c, department=c.other_department)


def test_the_role_the_pack_names_as_applicant_may_apply() -> None:
    c = f.city("kitakyushu", overlays=())
    application = f.draft(c, applicant=c.head)  # Kitakyushu §5.2(1)①: the 所属長 applies on the high track
    assert application.applicant == c.head


def test_create_draft_refuses_a_department_of_another_municipality() -> None:
    c = f.city("kobe")
    other = f.city("amagasaki")
    with pytest.raises(WorkflowError) as refused:
        f.draft(c, department=other.department)
    assert refused.value.code == "department"


def test_update_draft_with_new_facts_judges_again_and_keeps_the_old_snapshot() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    first = application.judgment
    updated = actions.update_draft(
        acting_user=c.applicant, application=application, changes={"facts": f.facts(high=False)}
    )
    assert updated.version == 2
    assert updated.judgment.track == "low"
    assert JudgmentSnapshot.objects.filter(pk=first.pk, track="high").exists()


def test_update_draft_without_a_facts_change_stores_no_snapshot() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    actions.update_draft(
        acting_user=c.applicant,
        application=application,
        changes={"facts": f.facts(), "notes": "庁内説明会で紹介予定"},
    )
    assert application.snapshots.count() == 1
    assert f.fresh(application).notes == "庁内説明会で紹介予定"


def test_update_draft_refuses_a_change_that_changes_nothing() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        actions.update_draft(acting_user=c.applicant, application=application, changes={"facts": f.facts()})
    assert refused.value.code == "unchanged"


def test_update_draft_refuses_fields_it_does_not_edit() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        actions.update_draft(acting_user=c.applicant, application=application, changes={"status": "approved"})
    assert refused.value.code == "field"


def test_update_draft_refuses_a_period_that_ends_before_it_starts() -> None:
    import datetime

    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        actions.update_draft(
            acting_user=c.applicant,
            application=application,
            changes={"period_start": datetime.date(2025, 4, 1), "period_end": datetime.date(2025, 3, 31)},
        )
    assert refused.value.code == "period"


def test_update_draft_refuses_another_person() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(PermissionDenied):
        actions.update_draft(acting_user=c.head, application=application, changes={"notes": "x"})


def test_update_draft_with_a_stale_version_is_a_conflict() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    actions.update_draft(acting_user=c.applicant, application=application, changes={"notes": "一"})
    with pytest.raises(ConflictError):
        actions.update_draft(
            acting_user=c.applicant, application=application, changes={"notes": "二"}, expected_version=1
        )


def test_answer_item_refuses_an_item_not_in_the_judgment() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            item_id="no.such.item",
            answer="conforms",
        )
    assert refused.value.code == "unknown_item"


def test_answer_item_takes_accept_or_mitigate_only_for_risk_items() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    items = application.judgment.items("selection")
    risk = next(i for i in items if i["response"] == "accept_or_mitigate")
    plain = next(i for i in items if i["response"] == "confirm")
    with pytest.raises(WorkflowError):
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            item_id=risk["id"],
            answer="conforms",
        )
    with pytest.raises(WorkflowError):
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            item_id=plain["id"],
            answer="mitigated",
            note="x",
        )
    answer = actions.answer_item(
        acting_user=c.applicant,
        application=application,
        pack_id="kobe",
        item_id=risk["id"],
        answer=Answer.MITIGATED,
        note="損害賠償の上限について特約を締結",
    )
    assert answer.get_answer_display() == "低減"


def test_answering_again_changes_the_answer_and_raises_the_version() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    kwargs = {
        "acting_user": c.applicant,
        "application": application,
        "pack_id": "kobe",
        "item_id": item["id"],
    }
    actions.answer_item(answer=Answer.NOT_APPLICABLE, **kwargs)
    actions.answer_item(answer=Answer.CONFORMS, **kwargs)
    assert ChecklistAnswer.objects.get().answer == Answer.CONFORMS
    assert f.fresh(application).version == 3
    with pytest.raises(WorkflowError) as refused:
        actions.answer_item(answer=Answer.CONFORMS, **kwargs)
    assert refused.value.code == "unchanged"


def test_evidence_is_stored_privately_under_a_random_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = ChecklistAnswer._meta.get_field("evidence")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=tmp_path, base_url="/nowhere/"))
    c = f.city("kobe")
    application = f.draft(c)
    item = application.judgment.items("selection")[0]
    answer = actions.answer_item(
        acting_user=c.applicant,
        application=application,
        pack_id="kobe",
        item_id=item["id"],
        answer=Answer.CONFORMS,
        evidence=ContentFile(b"%PDF-1.4", name="../../ISMAP登録証.PDF"),
    )
    assert answer.evidence_name == "ISMAP登録証.PDF"
    assert answer.evidence.name.startswith(f"kobe/{application.pk}/")
    assert answer.evidence.name.endswith(".pdf")
    assert "ISMAP" not in answer.evidence.name
    assert (tmp_path / answer.evidence.name).read_bytes() == b"%PDF-1.4"


def test_after_approval_the_service_manager_answers_the_later_phases() -> None:
    c = f.city("amagasaki")
    application = f.decided(c, Outcome.APPROVED)
    build = application.judgment.items("build")[0]
    actions.answer_item(
        acting_user=c.head,
        application=application,
        pack_id=build["pack"],
        item_id=build["id"],
        answer="conforms",
    )
    with pytest.raises(PermissionDenied):
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id=build["pack"],
            item_id=build["id"],
            answer="not_applicable",
        )


def test_after_approval_the_selection_answers_are_closed() -> None:
    c = f.city("amagasaki")
    application = f.decided(c, Outcome.APPROVED)
    selection = application.judgment.items("selection")[0]
    with pytest.raises(WorkflowError):
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id=selection["pack"],
            item_id=selection["id"],
            answer="not_applicable",
        )


def test_answers_are_closed_while_under_review() -> None:
    c = f.city("kobe")
    application = f.submitted(c)
    item = application.judgment.items("selection")[0]
    with pytest.raises(WorkflowError) as refused:
        actions.answer_item(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            item_id=item["id"],
            answer="not_applicable",
        )
    assert refused.value.code == "invalid_transition"


def test_explain_finding_refuses_a_finding_not_in_the_judgment() -> None:
    c = f.city("kobe")
    application = f.draft(c)
    with pytest.raises(WorkflowError) as refused:
        actions.explain_finding(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            code="pia_required",
            explanation="x",
        )
    assert refused.value.code == "unknown_finding"


def test_explain_finding_requires_text() -> None:
    c = f.city("kobe")
    application = f.draft(c, required_clauses_present=False)
    with pytest.raises(WorkflowError) as refused:
        actions.explain_finding(
            acting_user=c.applicant,
            application=application,
            pack_id="kobe",
            code="required_clauses_missing",
            explanation="  ",
        )
    assert refused.value.code == "explanation_required"
