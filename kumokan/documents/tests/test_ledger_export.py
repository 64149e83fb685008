"""Exporting the ledger: XLSX and CSV (UTF-8 with BOM, or Shift_JIS), streamed, only what the user may see."""

import io

import pytest
from openpyxl import load_workbook

from kumokan.applications.tests import factories as f
from kumokan.documents.tests.exchange import body, city_with_ledger, download, xlsx_rows
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_csv_is_utf8_with_bom_and_has_a_header_and_a_status_column(client):
    c, entries = city_with_ledger()
    response = download(client, c.administrator, c.municipality, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["所属", "外部サービスの名称", "機能名"]
    assert "状態" in lines[0]
    assert len(lines) == 1 + len(entries)
    assert any("停止中" in line for line in lines)
    assert any("稼働中" in line for line in lines)


def test_csv_download_is_streamed(client):
    c, _entries = city_with_ledger()
    response = download(client, c.administrator, c.municipality, "csv")
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]


def test_xlsx_header_is_styled_frozen_filtered_and_fitted(client):
    c, entries = city_with_ledger()
    response = download(client, c.administrator, c.municipality, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{len(entries) + 1}"
    assert sheet["A1"].font.bold
    assert sheet["A1"].value == "所属"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["C"].width
    assert sheet.max_row == len(entries) + 1


def test_dates_are_real_dates_in_xlsx_and_iso_in_csv(client):
    c, _entries = city_with_ledger()
    rows = xlsx_rows(body(download(client, c.administrator, c.municipality, "xlsx")))
    start = rows[0].index("利用開始日")
    assert {str(row[start])[:10] for row in rows[1:] if row[start]} == {"2025-04-01"}
    text = body(download(client, c.administrator, c.municipality, "csv")).decode("utf-8-sig")
    assert "2025-04-01,2028-03-31" in text


def test_shift_jis_csv_for_older_excel(client):
    c, entries = city_with_ledger()
    LedgerEntry.objects.filter(pk=entries[0].pk).update(purpose="4月〜3月の申請受付（髙橋・①）")
    response = download(client, c.administrator, c.municipality, "csv_cp932")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    text = body(response).decode("cp932")
    # The WAVE DASH is written as Windows writes it (～), which Excel shows the same.
    assert "4月～3月の申請受付（髙橋・①）" in text


def test_shift_jis_refuses_a_character_it_cannot_write_naming_row_and_column(client):
    c, entries = city_with_ledger()
    LedgerEntry.objects.filter(pk=entries[1].pk).update(purpose="𠮷野家の店舗情報 😀")
    response = download(client, c.administrator, c.municipality, "csv_cp932")
    assert response.status_code == 422
    text = response.content.decode()
    row = (
        1
        + [e.pk for e in LedgerEntry.objects.order_by("service_name", "function_name")].index(entries[1].pk)
        + 1
    )
    assert (
        f"{row}行目「利用目的（業務内容）」の「𠮷（U+20BB7）」「😀（U+1F600）」は Shift_JIS で表せません"
        in text
    )


def test_text_that_a_spreadsheet_would_run_is_escaped(client):
    c, entries = city_with_ledger()
    LedgerEntry.objects.filter(pk=entries[0].pk).update(purpose='=HYPERLINK("http://evil.example","x")')
    text = body(download(client, c.administrator, c.municipality, "csv")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    rows = xlsx_rows(body(download(client, c.administrator, c.municipality, "xlsx")))
    purposes = [row[5] for row in rows]
    assert '\'=HYPERLINK("http://evil.example","x")' in purposes


def test_a_department_member_exports_only_their_departments_entries(client):
    c, _entries = city_with_ledger()
    head = f.member(c.municipality, Role.DEPARTMENT_HEAD, c.other_department)
    lines = body(download(client, head, c.municipality, "csv")).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "ファイル共有" in lines[1]


def test_another_municipalitys_ledger_cannot_be_exported(client):
    c, _entries = city_with_ledger()
    other = f.city("amagasaki", overlays=())
    response = download(client, other.administrator, c.municipality, "csv")
    assert not response.streaming
    assert "Content-Disposition" not in response
    assert "電子申請サービス" not in response.content.decode()


def test_contractors_may_not_export(client):
    c, _entries = city_with_ledger()
    contractor = f.member(c.municipality, Role.CONTRACTOR, c.department)
    assert download(client, contractor, c.municipality, "csv").status_code == 403


def test_export_needs_a_login(client):
    c, _entries = city_with_ledger()
    response = client.get("/documents/ledger/export/", {"municipality": c.slug, "format": "csv"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
