"""The special-terms annex (seed 004): exactly the items that apply to the facts, as XLSX and PDF,
and the contractor's answers recorded item by item."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from kumokan.applications.tests.factories import city
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.procurement import actions
from kumokan.procurement.choices import AnnexStatus
from kumokan.procurement.models import AnnexAnswer
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db

# Seed 004 numbers 37 rows: 確認事項 1–4, 導入・構築時 1–14, 運用・保守時 1–19.
ALWAYS = (
    [f"st.confirm.{n}" for n in (2, 3, 4)]
    + [f"st.build.{n}" for n in range(1, 15) if n != 5]
    + [f"st.ops.{n}" for n in range(1, 20)]
)


def item_ids(annex) -> list[str]:
    return [item["id"] for item in annex.items]


def test_the_annex_lists_exactly_the_special_terms_items_that_apply_to_the_facts() -> None:
    c = osaka()
    procurement = plan(c, municipal_confidentiality="2", deployment="public", direct_internet_login=False)

    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    assert item_ids(annex) == ALWAYS
    assert {item["pack"] for item in annex.items} == {"special-terms"}
    assert annex.number == 1
    assert annex.status == AnnexStatus.AWAITING_ANSWERS


@pytest.mark.parametrize(
    ("municipal_confidentiality", "deployment", "has_star_item"),
    [
        ("3B", "public", True),
        ("3C", "public", True),
        ("3A", "public", False),
        ("2", "public", False),
        (None, "public", False),
        ("3B", "private", False),
        ("3C", "government", False),
    ],
)
def test_the_starred_item_is_listed_only_for_3b_or_3c_on_a_public_cloud(
    municipal_confidentiality: str | None, deployment: str, has_star_item: bool
) -> None:
    c = osaka()
    procurement = plan(c, municipal_confidentiality=municipal_confidentiality, deployment=deployment)

    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    assert ("st.confirm.1" in item_ids(annex)) is has_star_item
    assert [i for i in item_ids(annex) if i != "st.confirm.1"] == ALWAYS


def test_direct_login_from_the_internet_adds_build_item_5() -> None:
    c = osaka()
    procurement = plan(c, direct_internet_login=True)

    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    assert "st.build.5" in item_ids(annex)
    assert item_ids(annex).index("st.build.5") == item_ids(annex).index("st.build.4") + 1


def test_a_city_with_the_overlay_already_gets_each_item_once() -> None:
    c = city("kobe", overlays=("special-terms",))
    procurement = actions.plan_procurement(
        acting_user=c.applicant,
        municipality=c.municipality,
        department=c.department,
        title="庁内チャットの調達",
        facts={
            "service_name": "庁内チャット",
            "provider": "—",
            "purpose": "連絡",
            "service_model": "saas",
            "confidentiality": "2",
        },
    )

    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    assert item_ids(annex) == ALWAYS


def test_issuing_an_annex_is_audited_with_its_items() -> None:
    c = osaka()
    procurement = plan(c)

    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    event = AuditEvent.objects.get(action=Action.PROCUREMENT_ANNEX_ISSUE)
    assert event.target_id == str(annex.pk)
    assert event.actor == c.applicant
    assert event.municipality == c.municipality
    assert event.after["items"] == [f"special-terms:{i}" for i in ALWAYS]


def test_the_annex_keeps_the_items_it_was_issued_with_when_the_facts_change() -> None:
    c = osaka()
    procurement = plan(c)
    first = actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    actions.update_procurement(
        acting_user=c.applicant,
        procurement=procurement,
        title=procurement.title,
        facts={**procurement.facts, "municipal_confidentiality": "3B"},
    )

    second = actions.issue_annex(acting_user=c.applicant, procurement=procurement)

    first.refresh_from_db()
    assert "st.confirm.1" not in item_ids(first)
    assert second.number == 2
    assert item_ids(second)[0] == "st.confirm.1"


def test_the_contractors_answers_are_recorded_item_by_item_with_the_annex_status() -> None:
    c = osaka()
    annex = actions.issue_annex(acting_user=c.applicant, procurement=plan(c))

    annex = actions.record_annex_answers(
        acting_user=c.applicant,
        annex=annex,
        contractor_name="株式会社クラウド自治",
        answers={
            "special-terms:st.confirm.2": ("conforms", ""),
            "special-terms:st.build.4": ("not_applicable", ""),
        },
    )

    assert annex.status == AnnexStatus.PARTLY_ANSWERED
    assert annex.contractor_name == "株式会社クラウド自治"
    assert dict(AnnexAnswer.objects.filter(annex=annex).values_list("item_id", "answer")) == {
        "st.confirm.2": "conforms",
        "st.build.4": "not_applicable",
    }
    event = AuditEvent.objects.get(action=Action.PROCUREMENT_ANNEX_ANSWER)
    assert event.after["special-terms:st.confirm.2"] == {"answer": "conforms", "note": ""}

    annex = actions.record_annex_answers(
        acting_user=c.applicant,
        annex=annex,
        contractor_name="株式会社クラウド自治",
        answers={f"special-terms:{i}": ("conforms", "") for i in ALWAYS},
    )

    assert annex.status == AnnexStatus.ANSWERED


def test_an_item_not_met_needs_the_contractors_explanation() -> None:
    c = osaka()
    annex = actions.issue_annex(acting_user=c.applicant, procurement=plan(c))

    with pytest.raises(WorkflowError) as refused:
        actions.record_annex_answers(
            acting_user=c.applicant,
            annex=annex,
            contractor_name="",
            answers={"special-terms:st.ops.8": ("does_not_conform", "")},
        )

    assert refused.value.code == "note_required"
    assert not AnnexAnswer.objects.exists()


def test_an_answer_to_an_item_the_annex_does_not_have_is_refused() -> None:
    c = osaka()
    annex = actions.issue_annex(acting_user=c.applicant, procurement=plan(c))

    with pytest.raises(WorkflowError) as refused:
        actions.record_annex_answers(
            acting_user=c.applicant,
            annex=annex,
            contractor_name="",
            answers={"special-terms:st.confirm.1": ("conforms", "")},
        )

    assert refused.value.code == "unknown_item"


def test_another_department_cannot_record_answers() -> None:
    c = osaka()
    annex = actions.issue_annex(acting_user=c.applicant, procurement=plan(c))

    with pytest.raises(PermissionDenied):
        actions.record_annex_answers(
            acting_user=c.other_head,
            annex=annex,
            contractor_name="",
            answers={"special-terms:st.ops.1": ("conforms", "")},
        )


def test_the_annex_downloads_as_a_workbook_with_an_answer_column(client: Client) -> None:
    c = osaka()
    procurement = plan(c, municipal_confidentiality="3C")
    annex = actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    actions.record_annex_answers(
        acting_user=c.applicant,
        annex=annex,
        contractor_name="株式会社クラウド自治",
        answers={"special-terms:st.confirm.1": ("conforms", "ISO/IEC 27001 認証取得済み")},
    )
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/annexes/1.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row[1] == "要件")
    assert header[3] == "回答"
    items = [row for row in values if isinstance(row[0], int)]
    assert len(items) == len(ALWAYS) + 1
    assert items[0][2] == "確認事項 No.1"
    assert items[0][3] == "適合"
    assert "ISO/IEC 27001 認証取得済み" in items[0][4]
    assert items[1][3] is None


def test_the_annex_downloads_as_a_pdf(client: Client) -> None:
    c = osaka()
    procurement = plan(c, direct_internet_login=True)
    actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    response = client.get(f"/procurement/{procurement.pk}/annexes/1.pdf")

    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "クラウドサービスの特記事項" in flat
    assert "導入・構築時No.5" in flat
    assert "確認事項No.1" not in flat


def test_someone_who_only_reads_cannot_record_answers(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.security_manager)

    assert client.get(f"/procurement/{procurement.pk}/annexes/1/").status_code == 200
    response = client.post(
        f"/procurement/{procurement.pk}/annexes/1/", {"answer:special-terms:st.ops.1": "conforms"}
    )

    assert response.status_code == 403
    assert not AnnexAnswer.objects.exists()


def test_another_municipality_does_not_see_the_annex(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(city("kobe").security_manager)

    assert client.get(f"/procurement/{procurement.pk}/annexes/1/").status_code == 404
    assert client.get(f"/procurement/{procurement.pk}/annexes/1.xlsx").status_code == 404


def test_an_annex_is_issued_only_by_post(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    assert client.get(f"/procurement/{procurement.pk}/annexes/").status_code == 405
    response = client.post(f"/procurement/{procurement.pk}/annexes/")

    assert response.status_code == 302
    assert response["Location"] == f"/procurement/{procurement.pk}/annexes/1/"
