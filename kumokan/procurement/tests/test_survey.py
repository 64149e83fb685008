"""The survey worksheet (Osaka 第2章): the selection items answered with what was found, the findings
justified (why SaaS is not used, 第1章1.1), and the result; completion needs all three."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.procurement import actions
from kumokan.procurement.judging import judge_procurement
from kumokan.procurement.models import SurveyItem
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def selection(procurement) -> list[str]:
    judgment = judge_procurement(procurement.municipality, procurement.facts)
    return [f"{i['pack']}:{i['id']}" for i in judgment["checklists"]["selection"]]


def answer_everything(c, procurement, **kwargs) -> None:
    actions.save_survey(
        acting_user=c.applicant,
        procurement=procurement,
        answers={key: ("done", "確認した") for key in selection(procurement)},
        justifications=kwargs.get("justifications", {}),
        result=kwargs.get("result", "LGWAN-ASP に該当なし。市場の SaaS 3件を比較し、A社の SaaS を調達する。"),
    )


def test_the_worksheet_asks_for_the_lgwan_asp_list_and_the_saas_market() -> None:
    c = osaka()

    keys = selection(plan(c))

    assert "osaka:sel.survey.lgwan-asp-list" in keys
    assert "osaka:sel.survey.saas-market" in keys
    assert "osaka:sel.iaas-paas.common-cloud" not in keys


def test_iaas_on_the_common_cloud_is_asked_and_not_using_saas_must_be_justified() -> None:
    c = osaka()
    procurement = plan(c, service_model="iaas")
    answer_everything(c, procurement)

    assert "osaka:sel.iaas-paas.common-cloud" in selection(procurement)
    with pytest.raises(WorkflowError) as refused:
        actions.complete_survey(acting_user=c.applicant, procurement=procurement)
    assert [gap.code for gap in refused.value.details] == ["finding_unjustified"]

    actions.save_survey(
        acting_user=c.applicant,
        procurement=procurement,
        answers={},
        justifications={
            "osaka:saas_by_default": "業務に適合する SaaS がなく、大阪市共通クラウド上に構築する。"
        },
        result="市場の SaaS では要件を満たさないため、大阪市共通クラウド上に構築する。",
    )
    procurement = actions.complete_survey(acting_user=c.applicant, procurement=procurement)

    assert procurement.survey_completed_by == c.applicant
    assert AuditEvent.objects.filter(
        action=Action.PROCUREMENT_SURVEY_COMPLETE, target_id=str(procurement.pk)
    ).exists()


def test_a_saas_survey_completes_without_a_justification() -> None:
    c = osaka()
    procurement = plan(c)
    answer_everything(c, procurement)

    procurement = actions.complete_survey(acting_user=c.applicant, procurement=procurement)

    assert procurement.survey_completed_at is not None


def test_completion_lists_every_gap() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(WorkflowError) as refused:
        actions.complete_survey(acting_user=c.applicant, procurement=procurement)

    assert [(gap.code, gap.message) for gap in refused.value.details] == [
        ("items_unanswered", f"未回答の項目が{len(selection(procurement))}件あります。"),
        ("result_required", "調査の結果を記入してください。"),
    ]


def test_an_item_not_done_must_say_why() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(WorkflowError) as refused:
        actions.save_survey(
            acting_user=c.applicant,
            procurement=procurement,
            answers={"osaka:sel.survey.lgwan-asp-list": ("not_done", "")},
            justifications={},
            result="",
        )

    assert refused.value.code == "note_required"
    assert not SurveyItem.objects.exists()


def test_saving_the_worksheet_is_audited_with_what_changed() -> None:
    c = osaka()
    procurement = plan(c)

    actions.save_survey(
        acting_user=c.applicant,
        procurement=procurement,
        answers={"osaka:sel.survey.lgwan-asp-list": ("done", "J-LIS のリストに該当サービスなし")},
        justifications={},
        result="",
    )

    event = AuditEvent.objects.get(action=Action.PROCUREMENT_SURVEY_SAVE)
    assert event.before == {"osaka:sel.survey.lgwan-asp-list": None}
    assert event.after == {
        "osaka:sel.survey.lgwan-asp-list": {"answer": "done", "note": "J-LIS のリストに該当サービスなし"}
    }


def test_changing_the_facts_reopens_a_completed_survey() -> None:
    c = osaka()
    procurement = plan(c)
    answer_everything(c, procurement)
    actions.complete_survey(acting_user=c.applicant, procurement=procurement)

    procurement = actions.update_procurement(
        acting_user=c.applicant,
        procurement=procurement,
        title=procurement.title,
        facts={**procurement.facts, "service_model": "paas"},
    )

    assert procurement.survey_completed_at is None


def test_another_department_cannot_fill_in_the_worksheet() -> None:
    c = osaka()
    procurement = plan(c)

    with pytest.raises(PermissionDenied):
        actions.save_survey(
            acting_user=c.other_head, procurement=procurement, answers={}, justifications={}, result="x"
        )


def test_the_worksheet_page_saves_answers(client: Client) -> None:
    c = osaka()
    procurement = plan(c, service_model="paas")
    client.force_login(c.applicant)
    page = client.get(f"/procurement/{procurement.pk}/survey/").content.decode()
    assert "大阪市共通クラウド" in page
    assert "理由の記入が必要な指摘事項" in page

    response = client.post(
        f"/procurement/{procurement.pk}/survey/",
        {
            "answer:osaka:sel.survey.saas-market": "done",
            "note:osaka:sel.survey.saas-market": "RFI を実施",
            "justification:osaka:saas_by_default": "既存システムの移行のため",
            "result": "PaaS で構築する",
        },
    )

    assert response.status_code == 302
    assert SurveyItem.objects.get().note == "RFI を実施"
    procurement.refresh_from_db()
    assert procurement.survey_result == "PaaS で構築する"
    assert procurement.justifications.get().code == "saas_by_default"


def test_completing_the_survey_takes_only_post(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    assert client.get(f"/procurement/{procurement.pk}/survey/complete/").status_code == 405
