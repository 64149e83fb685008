"""和暦: formatting and reading era dates, as forms print them and ledgers hold them."""

import datetime

import pytest
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from kumokan.core.wareki import (
    FIRST_DAY,
    DateFormatError,
    parse_date,
    parse_period,
    to_seireki,
    to_wareki,
    to_wareki_short,
)

days = st.dates(min_value=FIRST_DAY, max_value=datetime.date(2200, 12, 31))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 4, 1), "令和7年4月1日"),
        (datetime.date(2019, 5, 1), "令和元年5月1日"),
        (datetime.date(2019, 4, 30), "平成31年4月30日"),
        (datetime.date(1989, 1, 8), "平成元年1月8日"),
        (datetime.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_era_boundaries_are_those_of_the_era_table(day, expected):
    assert to_wareki(day) == expected


def test_short_form_and_western_form():
    day = datetime.date(2025, 4, 1)
    assert to_wareki_short(day) == "R7.4.1"
    assert to_seireki(day) == "2025年4月1日"


@pytest.mark.parametrize(
    "text",
    [
        "令和7年4月1日",
        "令和７年４月１日",
        "令和 7 年 4 月 1 日",
        "R7.4.1",
        "r7.4.1",
        "Ｒ７．４．１",
        "R07/04/01",
        "R7-4-1",
        "2025-04-01",
        "2025/4/1",
        "２０２５／４／１",
        "2025年4月1日",
        "2025.4.1",
        "20250401",
        "2025-04-01 00:00:00",
        "2025/4/1 0:00",
    ],
)
def test_every_written_form_of_the_same_day_reads_alike(text):
    assert parse_date(text) == datetime.date(2025, 4, 1)


def test_first_year_is_read_as_gannen():
    assert parse_date("令和元年5月1日") == datetime.date(2019, 5, 1)
    assert parse_date("令和1年5月1日") == datetime.date(2019, 5, 1)
    assert parse_date("R1.5.1") == datetime.date(2019, 5, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("平成32年1月1日", "令和2年1月1日"),
        ("令和元年4月30日", "令和元年5月1日"),
        ("令和0年5月1日", "令和0年"),
        ("2025-02-30", "という日はありません"),
        ("令和7年13月1日", "という日はありません"),
        ("来年の春", "日付として読めません"),
        ("", "日付として読めません"),
    ],
)
def test_impossible_dates_are_refused_with_a_japanese_reason(text, reason):
    with pytest.raises(DateFormatError) as refused:
        parse_date(text)
    assert reason in refused.value.ja
    assert refused.value.en


def test_days_before_the_era_table_cannot_be_written_in_an_era():
    with pytest.raises(DateFormatError):
        to_wareki(datetime.date(1926, 12, 24))


@given(days)
def test_era_date_round_trips(day):
    assert parse_date(to_wareki(day)) == day


@given(days)
def test_short_era_date_round_trips(day):
    assert parse_date(to_wareki_short(day)) == day


@given(days)
def test_western_dates_round_trip(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.year}/{day.month}/{day.day}") == day
    assert parse_date(to_seireki(day)) == day


@given(days)
def test_the_era_year_counts_from_the_era_start(day):
    text = to_wareki(day)
    era = text[:2]
    year_text = text[2 : text.index("年")]
    year = 1 if year_text == "元" else int(year_text)
    later = next(d for d in (datetime.date(2019, 5, 1), datetime.date(1989, 1, 8), FIRST_DAY) if d <= day)
    assert era == {2019: "令和", 1989: "平成", 1926: "昭和"}[later.year]
    assert year == day.year - later.year + 1


def test_a_refusal_is_read_in_the_active_language():
    with pytest.raises(DateFormatError) as refused:
        parse_date("来年の春")
    assert (
        refused.value.ja
        == "「来年の春」は日付として読めません（例: 令和7年4月1日、R7.4.1、2025-04-01、2025/4/1）"
    )
    assert refused.value.en == "'来年の春' is not a date (e.g. 令和7年4月1日, R7.4.1, 2025-04-01, 2025/4/1)"
    with override("en"):
        assert str(refused.value) == refused.value.en


def test_a_period_refusal_keeps_its_japanese():
    with pytest.raises(DateFormatError) as refused:
        parse_period("令和6年4月1日")
    assert refused.value.ja == (
        "「令和6年4月1日」は「開始日～終了日」の形の期間として読めません（例: 令和6年4月1日～令和9年3月31日）"
    )
    with pytest.raises(DateFormatError) as before:
        to_wareki(datetime.date(1926, 12, 24))
    assert before.value.ja == "1926-12-24 は昭和より前の日付のため和暦で表せません"
