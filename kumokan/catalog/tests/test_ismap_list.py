"""Reading the ISMAP cloud service list: any column order, extra columns, full-width text, title rows."""

from __future__ import annotations

import datetime
import io

import pytest

from kumokan.catalog.ismap_list import ListFormatError, compare_lists, read_ismap_list
from kumokan.catalog.tests.ismap_sample import row, workbook

D = datetime.date


def test_the_published_layout_is_read_with_validity_by_the_rule() -> None:
    rows = read_ismap_list(
        workbook(
            [
                row(
                    "C21-0005-2",
                    "電子申請サービス",
                    "株式会社クラウド自治",
                    registered=D(2021, 6, 1),
                    audit=(D(2022, 4, 1), D(2023, 3, 31)),
                )
            ]
        )
    )
    assert len(rows) == 1
    read = rows[0]
    assert (read.number, read.service_name, read.provider_name) == (
        "C21-0005-2",
        "電子申請サービス",
        "株式会社クラウド自治",
    )
    assert read.registered_on == D(2021, 6, 1)
    assert (read.audit_period_start, read.audit_period_end) == (D(2022, 4, 1), D(2023, 3, 31))
    assert read.valid_until == D(2024, 7, 31)


def test_columns_in_another_order_with_extra_columns_and_full_width_text_are_read_alike() -> None:
    columns = ("備考", "監査対象期間", "事業者名", "ＵＲＬ", "登録番号", "登録日", "サービス名称")
    sample = row(
        "Ｃ２１－０００５－２",
        "電子申請サービス",
        "株式会社クラウド自治",
        registered="令和3年6月1日",
        audit="2022年4月1日〜2023年3月31日",
    )
    sample |= {"備考": "extra", "ＵＲＬ": "https://example.jp"}
    rows = read_ismap_list(workbook([sample], columns=columns, title_rows=0))
    assert rows[0].number == "C21-0005-2"
    assert rows[0].registered_on == D(2021, 6, 1)
    assert rows[0].valid_until == D(2024, 7, 31)


def test_the_portal_s_longer_header_names_are_accepted() -> None:
    columns = (
        "登録番号",
        "クラウドサービスの名称",
        "クラウドサービス事業者の名称",
        "監査対象期間（開始）",
        "監査対象期間（終了）",
    )
    sample = {
        "登録番号": "C22-0100-1",
        "クラウドサービスの名称": "文書管理クラウド",
        "クラウドサービス事業者の名称": "文書株式会社",
        "監査対象期間（開始）": D(2022, 10, 1),
        "監査対象期間（終了）": D(2023, 9, 30),
    }
    rows = read_ismap_list(workbook([sample], columns=columns))
    assert (rows[0].service_name, rows[0].valid_until) == ("文書管理クラウド", D(2025, 1, 31))


def test_an_expiry_alone_is_taken_as_the_validity() -> None:
    rows = read_ismap_list(
        workbook(
            [row("C21-0001-1", "A", "B", expiry="2025/3/31")],
            columns=("登録番号", "サービス名称", "事業者名", "有効期限"),
        )
    )
    assert rows[0].valid_until == D(2025, 3, 31) and rows[0].audit_period_end is None


def test_every_problem_is_reported_with_its_row_and_nothing_is_half_read() -> None:
    sample = workbook(
        [
            row("C21-0001-1", "A", "B", audit=(D(2022, 4, 1), D(2023, 3, 31))),
            row("C21-0002-1", "", "B", audit=(D(2022, 4, 1), D(2023, 3, 31))),
            row("C21-0003-1", "C", "B", audit="いつか"),
            row("C21-0001-1", "D", "B", audit=(D(2022, 4, 1), D(2023, 3, 31))),
            row("C21-0004-1", "E", "B"),
        ]
    )
    with pytest.raises(ListFormatError) as raised:
        read_ismap_list(sample)
    rows_named = [problem.en.split(":")[0] for problem in raised.value.problems]
    assert rows_named == ["row 5", "row 6", "row 7", "row 8"]


def test_a_file_without_the_required_columns_or_not_excel_is_refused() -> None:
    with pytest.raises(ListFormatError) as lacking:
        read_ismap_list(workbook([{"登録番号": "C21-0001-1"}], columns=("登録番号", "登録日")))
    [problem] = lacking.value.problems
    assert "lacks" in problem.en
    assert "行目の見出しに次の列がありません: サービス名称、事業者名" in problem.ja
    with pytest.raises(ListFormatError) as not_excel:
        read_ismap_list(io.BytesIO(b"registration,service\n"))
    assert "not an Excel" in not_excel.value.problems[0].en
    assert "Excel ファイル（.xlsx）として読めません" in not_excel.value.problems[0].ja


def test_comparing_two_readings_names_what_was_added_removed_and_changed() -> None:
    period = (D(2022, 4, 1), D(2023, 3, 31))
    before = read_ismap_list(
        workbook(
            [
                row("C1", "A", "P", audit=period),
                row("C2", "B", "P", audit=period),
                row("C3", "C", "P", audit=period),
            ]
        )
    )
    after = read_ismap_list(
        workbook(
            [
                row("C1", "A", "P", audit=period),
                row("C2", "B", "P", audit=(D(2023, 4, 1), D(2024, 3, 31))),
                row("C4", "D", "P", audit=period),
            ]
        )
    )
    changes = compare_lists(before, after)
    assert [r["number"] for r in changes["added"]] == ["C4"]
    assert [r["number"] for r in changes["removed"]] == ["C3"]
    assert changes["validity_changed"][0]["number"] == "C2"
    assert changes["validity_changed"][0]["after"]["valid_until"] == "2025-07-31"
    assert changes["unchanged"] == 1
