"""A city brings in the ledger it keeps (issue 16 points 1 and 2): header under title rows and notes,
columns by the pack's ledger field labels and their short forms, the sheet chosen, combined cells split,
periods in every form, and what cannot be read named by row and column."""

from __future__ import annotations

import io

import pytest

from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import read_table, recogniser_for
from kumokan.documents.tests.kept_ledgers import (
    KITAKYUSHU_HEADER,
    KITAKYUSHU_ROWS,
    KOBE_HEADER,
    KOBE_ROWS,
    SHORT_HEADER,
    SHORT_ROWS,
    day,
    kept_city,
    kept_csv,
    kept_workbook,
)
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def check(municipality, admin, data, name="台帳.xlsx"):
    return actions.dry_run_ledger_import(acting_user=admin, municipality=municipality, name=name, data=data)


def checked(municipality, admin, data, name="台帳.xlsx"):
    ledger_import = check(municipality, admin, data, name)
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report["problems"]
    return ledger_import


def problems_of(ledger_import):
    return [(p["row"], p["column"], p["ja"]) for p in ledger_import.report["problems"]]


def test_kitakyushus_seed_ledger_is_found_under_its_title_on_the_second_sheet():
    municipality, admin = kept_city("kitakyushu")
    report = checked(municipality, admin, kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS)).report
    assert report["sheet"] == "台帳"
    assert report["sheets"] == ["記入要領", "台帳", "集計"]
    assert report["header_row"] == 4
    assert report["mapping"] == {
        "クラウドサービスの名称（必要に応じて機能名までを含む）": "service_name",
        "クラウドサービス提供者の名称": "provider_name",
        "利用目的（業務内容）": "purpose",
        "取り扱う情報の格付": "classification",
        "利用期間": "period",
        "利用申請者（所属・氏名）": "applicant",
        "利用者の範囲（自組織の関係者内に限る、部局内に限るなど）": "user_scope",
        "クラウドサービス管理者（所属・補職名）": "service_manager",
        "その他必要な項目": "fields.other",
        "備考": "note",
    }
    assert report["ignored"] == ["No."]
    assert report["rows"] == 4 and report["new"] == 4


def test_kitakyushus_seed_ledger_imports_with_cells_split_and_periods_read():
    municipality, admin = kept_city("kitakyushu")
    ledger_import = checked(municipality, admin, kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS))
    actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    entries = {e.service_name: e for e in LedgerEntry.objects.filter(municipality=municipality)}
    first = entries["電子申請システム"]
    assert (first.period_start, first.period_end) == (day("2024-04-01"), day("2027-03-31"))
    assert first.department.name == "デジタル推進課"
    assert (first.applicant_department_name, first.applicant_name) == ("デジタル推進課", "山田太郎")
    assert (first.service_manager_department_name, first.service_manager_title) == ("情報政策課", "係長")
    assert first.classification_code == "第2種" and first.track == "high"
    assert first.provider_name == "ＡＢＣクラウド株式会社"
    assert first.fields["other"] == "LGWAN-ASP"
    second = entries["Web会議（録画）"]
    assert (second.period_start, second.period_end) == (day("2024-10-01"), day("2025-09-30"))
    # 髙﨑 in the file is the department registered as 高崎; the names are kept as written.
    assert second.department.name == "高崎支所"
    assert (second.applicant_department_name, second.applicant_name) == ("髙﨑支所", "鈴木花子")
    assert (second.service_manager_department_name, second.service_manager_title) == ("髙﨑支所", "所長")
    assert second.provider_name == "クラウド会議合同会社"
    third = entries["文書管理"]
    assert (third.period_start, third.period_end) == (day("2024-04-01"), day("2027-03-31"))
    assert (third.applicant_department_name, third.applicant_name) == ("デジタル推進課", "佐藤一郎")
    fourth = entries["施設予約"]
    assert (fourth.period_start, fourth.period_end) == (day("2023-04-01"), None)
    assert fourth.user_scope == "citizens"


def test_kobes_eight_items_in_a_cp932_csv_are_read():
    municipality, admin = kept_city("kobe")
    ledger_import = checked(municipality, admin, kept_csv(KOBE_HEADER, KOBE_ROWS), "台帳.csv")
    assert ledger_import.report["encoding"] == "cp932"
    assert ledger_import.report["header_row"] == 3
    assert set(ledger_import.report["mapping"].values()) == {
        "service_name",
        "provider_name",
        "purpose",
        "classification",
        "period",
        "applicant",
        "user_scope",
        "service_manager",
    }
    actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality, service_name="アンケート")
    assert entry.department.name == "高崎支所"
    assert (entry.service_manager_department_name, entry.service_manager_title) == ("髙﨑支所", "所長")


@pytest.mark.parametrize("pack_id", ["amagasaki", "osaka"])
def test_short_forms_and_the_products_labels_are_recognised_where_the_pack_lists_no_ledger(pack_id):
    municipality, admin = kept_city(pack_id)
    ledger_import = checked(municipality, admin, kept_workbook(SHORT_HEADER, SHORT_ROWS, sheets=False))
    assert ledger_import.report["mapping"]["クラウドサービス名（機能名）"] == "service_name"
    assert ledger_import.report["mapping"]["利用目的"] == "purpose"
    actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.classification_code == "2"
    assert (entry.period_start, entry.period_end) == (day("2024-04-01"), day("2027-03-31"))


@pytest.mark.parametrize(
    ("written", "start", "end"),
    [
        ("令和６年４月１日～令和９年３月３１日", "2024-04-01", "2027-03-31"),
        ("R6.10.1～R7.9.30", "2024-10-01", "2025-09-30"),
        ("2024/4/1～2027/3/31", "2024-04-01", "2027-03-31"),
        ("令和5年4月1日～", "2023-04-01", None),
        ("令和5年4月1日から令和6年3月31日", "2023-04-01", "2024-03-31"),
    ],
)
def test_every_form_of_a_period_is_read(written, start, end):
    municipality, admin = kept_city("kitakyushu")
    rows = [[*KITAKYUSHU_ROWS[0][:5], written, *KITAKYUSHU_ROWS[0][6:]]]
    ledger_import = checked(municipality, admin, kept_workbook(KITAKYUSHU_HEADER, rows))
    actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    entry = LedgerEntry.objects.get(municipality=municipality)
    assert entry.period_start == day(start)
    assert entry.period_end == (day(end) if end else None)


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        (5, "来年度から", "期間"),
        (5, "令和9年4月1日～令和6年3月31日", "終わりが始まりより前"),
        (6, "山田太郎", "所属"),
        (6, "市民局 住民課 山田 太郎", "どこまでが所属か"),
        (8, "係長", "所属"),
    ],
)
def test_a_cell_that_cannot_be_read_is_a_problem_naming_row_and_column(column, value, text):
    municipality, admin = kept_city("kitakyushu")
    rows = [list(KITAKYUSHU_ROWS[0]), list(KITAKYUSHU_ROWS[2])]
    rows[1][column] = value
    ledger_import = check(municipality, admin, kept_workbook(KITAKYUSHU_HEADER, rows))
    assert ledger_import.status == ImportStatus.REFUSED
    # Row 5 is the header's next row (title, note, blank, header); each row is followed by a blank one.
    found = [p for p in problems_of(ledger_import) if p[0] == 7 and p[1] == KITAKYUSHU_HEADER[column]]
    assert found and text in found[0][2], problems_of(ledger_import)
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()


def test_the_sheet_and_header_row_can_be_chosen():
    municipality, admin = kept_city("kitakyushu")
    data = kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS)
    recognise = recogniser_for(municipality, {})
    table = read_table(data, recognise=recognise, sheet="記入要領", header_row=1)
    assert (table.sheet, table.header_row, table.headers) == ("記入要領", 1, ["この台帳の書き方"])
    ledger_import = check(municipality, admin, data)
    changed = actions.choose_layout(
        acting_user=admin, ledger_import=ledger_import, sheet="台帳", header_row=5
    )
    assert changed.status == ImportStatus.REFUSED
    assert changed.report["header_row"] == 5
    again = actions.choose_layout(
        acting_user=admin, ledger_import=ledger_import, sheet="台帳", header_row=None
    )
    assert again.status == ImportStatus.CHECKED and again.report["header_row"] == 4


def test_the_upload_page_reads_a_kept_ledger_and_shows_its_sheet_and_header_row(client):
    municipality, admin = kept_city("kitakyushu")
    client.force_login(admin)
    upload = io.BytesIO(kept_workbook(KITAKYUSHU_HEADER, KITAKYUSHU_ROWS))
    upload.name = "クラウドサービス台帳.xlsx"
    response = client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": upload, "encoding": "auto"},
        follow=True,
    )
    text = response.content.decode()
    assert "<dt>シート</dt><dd>台帳</dd>" in text
    assert "<dt>見出しの行</dt><dd>4行目</dd>" in text
    assert "新しい行を取り込む（4件）" in text
    pk = response.context["ledger_import"].pk
    response = client.post(
        f"/documents/ledger/imports/{pk}/layout/", {"sheet": "台帳", "header_row": "2"}, follow=True
    )
    assert "<dt>見出しの行</dt><dd>2行目</dd>" in response.content.decode()
    client.post(f"/documents/ledger/imports/{pk}/layout/", {"sheet": "", "header_row": ""})
    client.post(f"/documents/ledger/imports/{pk}/commit/")
    assert LedgerEntry.objects.filter(municipality=municipality).count() == 4


@pytest.mark.parametrize("header", ["備考", "摘要", "Remarks", "Notes"])
def test_a_remarks_column_is_the_entrys_note(header):
    municipality, admin = kept_city("kitakyushu")
    head = [header if h == "備考" else h for h in KITAKYUSHU_HEADER]
    ledger_import = checked(municipality, admin, kept_workbook(head, KITAKYUSHU_ROWS))
    assert ledger_import.report["mapping"][header] == "note"
    actions.import_checked_file(acting_user=admin, ledger_import=ledger_import)
    notes = dict(LedgerEntry.objects.filter(municipality=municipality).values_list("service_name", "note"))
    assert notes["Web会議（録画）"] == "更新予定"
    assert notes["電子申請システム"] == ""
