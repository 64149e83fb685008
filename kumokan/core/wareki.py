"""Japanese era dates (和暦): 令和7年4月1日 ⇄ 2025-04-01, and reading the date forms ledgers use.

Official forms print the era date; ledgers kept in Excel hold anything from 令和元年5月1日 and
R7.4.1 to 2025/4/1. Only the eras a cloud ledger can meet are known (from 昭和's end on).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from kumokan.errors import EXAMPLES, Spoken, joined


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: datetime.date


# Newest first. 令和 from 2019-05-01, 平成 from 1989-01-08, 昭和 from 1926-12-25.
ERAS = (
    Era("令和", "R", datetime.date(2019, 5, 1)),
    Era("平成", "H", datetime.date(1989, 1, 8)),
    Era("昭和", "S", datetime.date(1926, 12, 25)),
)
FIRST_DAY = ERAS[-1].start


class DateFormatError(Spoken, ValueError):
    """The text is no date this module reads, or names a day that does not exist (read in either
    language: ja, en)."""


def era_of(day: datetime.date) -> tuple[Era, int]:
    """The era of `day` and the year within it (1 for the first year, 元年)."""
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise DateFormatError(
        _("%(day)s is before %(era)s and has no era date here"),
        params={"day": day.isoformat(), "era": ERAS[-1].name},
    )


def to_wareki(day: datetime.date) -> str:
    """令和7年4月1日; the first year of an era is written 元年, as official documents do."""
    era, year = era_of(day)
    return f"{era.name}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def to_wareki_short(day: datetime.date) -> str:
    """R7.4.1: the abbreviation staff type into spreadsheets."""
    era, year = era_of(day)
    return f"{era.letter}{year}.{day.month}.{day.day}"


def to_seireki(day: datetime.date) -> str:
    """2025年4月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


_ERA_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}
_ERA_DATE = re.compile(
    r"(?P<era>令和|平成|昭和|[RHS])\s*(?P<year>元|\d{1,3})\s*[年./\-]\s*(?P<month>\d{1,2})\s*[月./\-]\s*(?P<day>\d{1,2})\s*日?"
)
_WESTERN_DATE = re.compile(
    r"(?P<year>\d{4})\s*[年./\-]\s*(?P<month>\d{1,2})\s*[月./\-]\s*(?P<day>\d{1,2})\s*日?"
)
_COMPACT_DATE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
# Excel and some exports add a time after the date: 2025-04-01 00:00:00, 2025/4/1 0:00.
_TIME_SUFFIX = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$")


def as_date(value: Any) -> datetime.date:
    """A date from a date, a datetime (its day) or a date's text (parse_date, which may raise DateFormatError)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return parse_date(str(value))


def parse_date(text: str) -> datetime.date:
    """Read a date written as 令和7年4月1日, 令和元年5月1日, R7.4.1, H31/4/30, 2025-04-01, 2025/4/1 or 20250401.

    Full-width digits and letters are read as half-width (NFKC). An era date outside its era
    (平成32年1月1日) is refused, naming the day it would be.
    """
    raw = text
    text = unicodedata.normalize("NFKC", text).strip().upper()
    text = _TIME_SUFFIX.sub("", text).strip()
    if match := _ERA_DATE.fullmatch(text):
        era = _ERA_BY_NAME[match["era"]]
        year = 1 if match["year"] == "元" else int(match["year"])
        if year == 0:
            raise DateFormatError(
                _("'%(text)s': there is no year 0 of %(era)s"), params={"text": raw, "era": era.name}
            )
        day = _day(raw, era.start.year + year - 1, int(match["month"]), int(match["day"]))
        _check_within_era(raw, era, day)
        return day
    if (match := _WESTERN_DATE.fullmatch(text)) or (match := _COMPACT_DATE.fullmatch(text)):
        return _day(raw, int(match["year"]), int(match["month"]), int(match["day"]))
    raise DateFormatError(
        _("'%(text)s' is not a date (e.g. %(examples)s)"),
        params={
            "text": raw,
            "examples": joined(("令和7年4月1日", "R7.4.1", "2025-04-01", "2025/4/1"), EXAMPLES),
        },
    )


def _day(raw: str, year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateFormatError(_("'%(text)s' is not a day of the calendar"), params={"text": raw}) from None


def _check_within_era(raw: str, era: Era, day: datetime.date) -> None:
    index = ERAS.index(era)
    if day < era.start:
        raise DateFormatError(
            _("'%(text)s' is before the start of %(era)s (%(start)s)"),
            params={"text": raw, "era": era.name, "start": to_wareki(era.start)},
        )
    if index > 0 and day >= ERAS[index - 1].start:
        raise DateFormatError(
            _("'%(text)s' is after the end of %(era)s (did you mean %(day)s?)"),
            params={"text": raw, "era": era.name, "day": to_wareki(day)},
        )


# The separators of a period written in one cell (after NFKC, ～ is ~).
_PERIOD_SEPARATOR = re.compile(r"\s*(?:~|〜|～|から|–|—|―)\s*")


def parse_period(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """Read a period written in one cell, 「令和6年4月1日～令和9年3月31日」, 「R6.10.1～R7.9.30」,
    「2024/4/1～2027/3/31」, with each end in any form parse_date reads; an open end (「令和5年4月1日～」,
    「～R9.3.31」) is None. A cell that is not two dates around one separator is refused."""
    plain = unicodedata.normalize("NFKC", text).strip()
    parts = _PERIOD_SEPARATOR.split(plain)
    if len(parts) != 2 or not (parts[0] or parts[1]):
        raise DateFormatError(
            _("'%(text)s' is not a period from a start date to an end date (e.g. %(example)s)"),
            params={"text": text, "example": "令和6年4月1日～令和9年3月31日"},
        )
    start = parse_date(parts[0]) if parts[0] else None
    end = parse_date(parts[1]) if parts[1] else None
    if start is not None and end is not None and end < start:
        raise DateFormatError(_("'%(text)s' ends before it starts"), params={"text": text})
    return start, end
