"""Reading the published ISMAP (or ISMAP-LIU) cloud service list, and comparing two readings of it.

The layout expected (the columns of the Excel file the ISMAP portal publishes, ismap.go.jp):

    登録番号        registration number, e.g. C21-0005-2                          required
    サービス名称    the cloud service's name   (also: クラウドサービスの名称, クラウドサービス名称, サービス名)  required
    事業者名        the provider's name        (also: クラウドサービス事業者の名称, クラウドサービス事業者名,
                                                事業者の名称, 申請者)                 required
    登録日          the day it was registered  (also: 登録年月日)                    optional
    有効期限        the registration's expiry                                         optional
    監査対象期間    the audit period, one cell "2022/04/01～2023/03/31" (also: 監査の対象期間), or two
                    columns 監査対象期間（開始） and 監査対象期間（終了） (also: …開始日 / …終了日)  optional

Every row needs 有効期限 or the end of its 監査対象期間. The header row is the first of the first 20
rows that has a 登録番号 cell, so title rows above it are skipped; columns may come in any order, and
columns not listed here (サービス概要, 言明対象範囲, 監査機関 …) are ignored. Header and cell text is
NFKC-normalised (全角 and 半角 read alike; kumokan.core.spreadsheet), header spaces and line breaks are ignored, and dates may be
Excel dates or text as kumokan.core.wareki reads it (2023/3/31, 2023年3月31日, 令和5年3月31日, R5.3.31).

Where a row gives its audit period, the registration's validity is the rule's (validity.ismap_valid_until,
ISMAP 基本規程 3.5); an 有効期限 that differs from it is reported as a warning, not silently used.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import IO, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kumokan.catalog.validity import ismap_valid_until
from kumokan.core.spreadsheet import (
    HEADER_SEARCH_ROWS,
    SpreadsheetRefused,
    compare_key,
    normalise,
    read_workbook,
)
from kumokan.core.wareki import DateFormatError, as_date, parse_period
from kumokan.errors import Spoken

# Field → the header names that mean it, in their compared form (kumokan.core.spreadsheet.compare_key).
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("登録番号",),
    "service_name": (
        "サービス名称",
        "クラウドサービスの名称",
        "クラウドサービス名称",
        "クラウドサービス名",
        "サービス名",
    ),
    "provider_name": (
        "事業者名",
        "クラウドサービス事業者の名称",
        "クラウドサービス事業者名",
        "事業者の名称",
        "申請者",
        "申請者名",
    ),
    "registered_on": ("登録日", "登録年月日"),
    "expiry": ("有効期限",),
    "audit_period": ("監査対象期間", "監査の対象期間"),
    "audit_period_start": (
        "監査対象期間(開始)",
        "監査対象期間開始日",
        "監査対象期間(開始日)",
        "監査の対象期間(開始)",
    ),
    "audit_period_end": (
        "監査対象期間(終了)",
        "監査対象期間終了日",
        "監査対象期間(終了日)",
        "監査の対象期間(終了)",
    ),
}
REQUIRED = ("number", "service_name", "provider_name")


class ListProblem(Spoken):
    """One thing wrong with the list (a row, a header, the file), read in either language."""


class ListFormatError(Exception):
    """The file is not a list kumokan can read: every problem found."""

    def __init__(self, problems: list[ListProblem]) -> None:
        super().__init__(problems)
        self.problems = problems

    def __str__(self) -> str:
        return "; ".join(problem.message for problem in self.problems)


@dataclass(frozen=True)
class ListRow:
    """One registration as the list states it, with its validity by the rule."""

    number: str
    service_name: str
    provider_name: str
    registered_on: datetime.date | None
    valid_until: datetime.date
    audit_period_start: datetime.date | None
    audit_period_end: datetime.date | None
    # The list's own 有効期限, kept to report where it differs from the rule.
    listed_expiry: datetime.date | None

    def to_json(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in asdict(self).items()
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ListRow:
        dates = ("registered_on", "valid_until", "audit_period_start", "audit_period_end", "listed_expiry")
        values = {
            key: datetime.date.fromisoformat(data[key]) if key in dates and data[key] else data[key]
            for key in data
        }
        return cls(**values)

    def validity(self) -> dict[str, str | None]:
        """What a change of validity compares: the dates that decide when the registration is in force."""
        json = self.to_json()
        return {key: json[key] for key in ("valid_until", "audit_period_start", "audit_period_end")}


def read_ismap_list(file: IO[bytes]) -> list[ListRow]:
    """The rows of an ISMAP list in XLSX; ListFormatError naming every problem (nothing half-read)."""
    try:
        sheets = read_workbook(file.read(), formulas=False)
    except SpreadsheetRefused as exc:
        raise ListFormatError([ListProblem(exc.text)]) from exc
    rows = [cells for _number, cells in sheets[0].rows] if sheets else []
    header_index, columns = _find_header(rows)
    problems: list[ListProblem] = []
    read: list[ListRow] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = {field: _cell(row, column) for field, column in columns.items()}
        if all(value in (None, "") for value in cells.values()):
            continue
        try:
            list_row = _row(cells)
        except ListProblem as exc:
            problems.append(
                ListProblem(_("row %(row)s: %(problem)s"), params={"row": index, "problem": exc.text})
            )
            continue
        if list_row.number in seen:
            problems.append(
                ListProblem(
                    _("row %(row)s: registration number %(number)s repeats row %(first)s"),
                    params={"row": index, "number": list_row.number, "first": seen[list_row.number]},
                )
            )
            continue
        seen[list_row.number] = index
        read.append(list_row)
    if problems:
        raise ListFormatError(problems)
    if not read:
        raise ListFormatError([ListProblem(_("the list has no registrations"))])
    return read


def compare_lists(before: list[ListRow], after: list[ListRow]) -> dict[str, Any]:
    """What changed between two readings of the list: added, removed and validity-changed registrations."""
    old = {row.number: row for row in before}
    new = {row.number: row for row in after}
    changed = []
    for number in sorted(old.keys() & new.keys()):
        if old[number].validity() != new[number].validity():
            changed.append(
                {
                    "number": number,
                    "service_name": new[number].service_name,
                    "provider_name": new[number].provider_name,
                    "before": old[number].validity(),
                    "after": new[number].validity(),
                }
            )
    return {
        "added": [new[number].to_json() for number in sorted(new.keys() - old.keys())],
        "removed": [old[number].to_json() for number in sorted(old.keys() - new.keys())],
        "validity_changed": changed,
        "unchanged": len(old.keys() & new.keys()) - len(changed),
    }


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    names = {name: field for field, aliases in HEADERS.items() for name in aliases}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = [compare_key(cell) if cell is not None else "" for cell in row]
        if "登録番号" not in headers:
            continue
        columns: dict[str, int] = {}
        for column, header in enumerate(headers):
            field = names.get(header)
            if field is not None and field not in columns:
                columns[field] = column
        missing = [HEADERS[field][0] for field in REQUIRED if field not in columns]
        if "expiry" not in columns and "audit_period" not in columns and "audit_period_end" not in columns:
            missing.append("有効期限 / 監査対象期間")
        if missing:
            shown = "、".join(missing)
            raise ListFormatError(
                [
                    ListProblem(
                        _("the header (row %(row)s) lacks: %(names)s"),
                        params={"row": index + 1, "names": shown},
                    )
                ]
            )
        return index, columns
    raise ListFormatError(
        [
            ListProblem(
                _("no %(header)s header in the first %(rows)s rows"),
                params={"header": "登録番号", "rows": HEADER_SEARCH_ROWS},
            )
        ]
    )


def _cell(row: list[Any], column: int) -> Any:
    value = row[column] if column < len(row) else None
    if isinstance(value, str):
        value = normalise(value)
    return value


def _row(cells: dict[str, Any]) -> ListRow:
    for field in REQUIRED:
        if cells.get(field) in (None, ""):
            header = HEADERS[field][0]
            raise ListProblem(_("%(header)s is empty"), params={"header": header})
    start = _date(cells.get("audit_period_start"), "監査対象期間（開始）")
    end = _date(cells.get("audit_period_end"), "監査対象期間（終了）")
    if cells.get("audit_period") not in (None, ""):
        start, end = _period(cells["audit_period"])
    listed_expiry = _date(cells.get("expiry"), "有効期限")
    if end is None and listed_expiry is None:
        raise ListProblem(
            _("neither %(expiry)s nor %(period)s is given"),
            params={"expiry": "有効期限", "period": "監査対象期間"},
        )
    if start is not None and end is not None and end < start:
        raise ListProblem(_("the audit period ends before it starts"))
    valid_until = ismap_valid_until(end) if end is not None else listed_expiry
    assert valid_until is not None
    return ListRow(
        number=str(cells["number"]).strip(),
        service_name=str(cells["service_name"]),
        provider_name=str(cells["provider_name"]),
        registered_on=_date(cells.get("registered_on"), "登録日"),
        valid_until=valid_until,
        audit_period_start=start,
        audit_period_end=end,
        listed_expiry=listed_expiry,
    )


def _date(value: Any, header: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return as_date(value)
    except DateFormatError as exc:
        raise ListProblem(
            pgettext_lazy("a problem of a column: its header, the problem", "%(header)s: %(problem)s"),
            params={"header": header, "problem": exc.text},
        ) from exc


def _period(value: Any) -> tuple[datetime.date | None, datetime.date | None]:
    try:
        return parse_period(str(value))
    except DateFormatError as exc:
        raise ListProblem(_("the audit period: %(problem)s"), params={"problem": exc.text}) from exc
