"""The SLA in real Chromium: fill in the city's requirements, save, and download Excel and PDF."""

from __future__ import annotations

import io
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from kumokan.procurement.tests.support import osaka, plan

PASSWORD = "correct horse battery staple"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_department_fills_in_the_sla_and_downloads_it(page: Page, login, screenshot) -> None:
    c = osaka()
    c.applicant.set_password(PASSWORD)
    c.applicant.save()
    procurement = plan(c)
    login(page, c.applicant.username, PASSWORD)

    page.goto(f"/procurement/{procurement.pk}/")
    page.get_by_role("link", name="SLA", exact=True).click()
    expect(page.get_by_role("heading", name="サービスレベルアグリーメント（SLA）")).to_be_visible()
    page.get_by_label("本市要件：稼働率").fill("年99.9%以上")
    page.get_by_label("本市要件：バックアップ対策").fill("1回／1日、7世代")
    page.get_by_label("備考：稼働率").fill("計画停止を除く")
    page.get_by_role("button", name="SLA を保存").click()
    expect(page.get_by_text("SLA を保存しました。")).to_be_visible()
    expect(page.get_by_label("本市要件：稼働率")).to_have_value("年99.9%以上")
    screenshot(page, "filled")

    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel をダウンロード").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(excel.value.path(), "rb").read())).active
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert (rows[0][1], rows[0][5], rows[0][6]) == ("稼働率", "年99.9%以上", "計画停止を除く")
    assert rows[2][5] == "1回／1日、7世代"

    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF をダウンロード").click()
    text = subprocess.run(
        ["pdftotext", pdf.value.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "年99.9%以上" in "".join(text.split())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            pdf.value.path(),
            "artifacts/screenshots/test_sla_pdf_page1",
        ],
        check=True,
    )
