"""The procurement's printouts and its page in the city's words and in the reader's language (issue 17
points 1 and 3): the service as the city's rules name it (Kobe: 外部サービスの名称, 1.1; Osaka: クラウド
サービスの名称; English "Cloud service"), the SLA as Osaka's guideline calls it (第3章3, サービスレベル
アグリーメント) with its notes in English when English is read, and no SLA printed where there is no template."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.test import Client
from openpyxl import load_workbook

from kumokan.applications.tests.factories import city
from kumokan.procurement import actions
from kumokan.procurement.tests.support import osaka, plan

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout
    return "".join(text.decode().split())


def cells(content: bytes) -> list[object]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


def test_kobes_annex_and_page_name_the_service_and_its_provider_as_kobes_rules_do(client: Client) -> None:
    c = city("kobe")
    procurement = plan(c)
    actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    flat = pdf_text(client.get(f"/procurement/{procurement.pk}/annexes/1.pdf").content)
    assert "外部サービスの名称電子申請サービス" in flat
    assert "クラウドサービスの名称" not in flat
    assert "外部サービスの名称" in cells(client.get(f"/procurement/{procurement.pk}/annexes/1.xlsx").content)
    page = re.sub(r"\s+", " ", client.get(f"/procurement/{procurement.pk}/").content.decode())
    assert "<dt>外部サービスの名称</dt>" in page and "<dt>外部サービス提供者</dt>" in page


def test_the_annex_in_english_names_the_service_and_brackets_the_evidence_in_english(client: Client) -> None:
    c = city("kobe")
    procurement = plan(c)
    actions.issue_annex(acting_user=c.applicant, procurement=procurement)
    client.force_login(c.applicant)

    values = cells(
        client.get(f"/procurement/{procurement.pk}/annexes/1.xlsx", HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert "Cloud service" in values
    evidence = [v for v in values if isinstance(v, str) and "Typical evidence" in v]
    assert evidence and all(v.startswith("(Typical evidence: ") and v.endswith(")") for v in evidence)
    assert not [v for v in values if isinstance(v, str) and "根拠資料の例" in v]


def test_osakas_sla_names_the_service_and_the_agreement_as_osakas_guideline_does(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    flat = pdf_text(client.get(f"/procurement/{procurement.pk}/sla.pdf").content)
    assert "サービスレベルアグリーメント（SLA）" in flat
    assert "クラウドサービスの名称電子申請サービス" in flat
    assert "稼働率以外にも、クラウドサービスによってSLAの内容は様々ですので" in flat
    assert "クラウドサービスの名称" in cells(client.get(f"/procurement/{procurement.pk}/sla.xlsx").content)


def test_the_slas_notes_are_printed_in_english_for_an_english_reader(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    flat = pdf_text(client.get(f"/procurement/{procurement.pk}/sla.pdf", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Servicelevelagreement(SLA)" in flat
    assert "Cloudservice電子申請サービス" in flat
    # The guideline's notes on the SLA as a whole, in the pack's English gloss, each with its clause.
    assert "稼働率以外にも" not in flat
    assert "(第3章2.3)" in flat


def test_a_city_whose_rules_have_no_sla_template_prints_no_sla(client: Client) -> None:
    c = city("kobe")
    procurement = plan(c)
    client.force_login(c.applicant)

    assert client.get(f"/procurement/{procurement.pk}/sla.pdf").status_code == 404
    assert client.get(f"/procurement/{procurement.pk}/sla.xlsx").status_code == 404


def test_in_english_each_sla_row_reads_in_the_packs_english_beside_the_seeds_words(client: Client) -> None:
    c = osaka()
    procurement = plan(c)
    client.force_login(c.applicant)

    flat = pdf_text(client.get(f"/procurement/{procurement.pk}/sla.pdf", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "SLAavailability:shareofoperatingtimenetofunplannedoutages" in flat
    assert "年間総稼働時間から計画停止時間を控除したシステム稼働時間" in flat
    workbook = cells(client.get(f"/procurement/{procurement.pk}/sla.xlsx", HTTP_ACCEPT_LANGUAGE="en").content)
    assert any(
        isinstance(v, str) and v.startswith("SLA availability: ") and "\n年間総稼働時間" in v
        for v in workbook
    )
    page = client.get(f"/procurement/{procurement.pk}/sla/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "SLA availability: share of operating time" in page
    # In Japanese, the seed's words alone.
    japanese = cells(client.get(f"/procurement/{procurement.pk}/sla.xlsx").content)
    assert not any(isinstance(v, str) and "SLA availability" in v for v in japanese)
