"""Reading a ledger kept in Excel or CSV, and checking every row before anything is written (the dry run).

Each problem names its row (the file's row number, the header being row 1) and column (the file's own
header), in Japanese and English. Nothing here writes: kumokan.documents.actions commits a checked file.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import override

from kumokan.applications.choices import UserScope
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import name_key
from kumokan.documents.ledger_table import FORMULA_STARTS, Column, columns_for, header_key
from kumokan.documents.wareki import DateFormatError, parse_date
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.models import Department, Municipality

MAX_BYTES = 10 * 1024 * 1024
ENCODINGS = ("auto", "utf-8", "cp932")
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    ja: str
    en: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "ja": self.ja, "en": self.en}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        return cls(data["row"], data["column"], data["ja"], data["en"])


class FileRefused(Exception):
    """The file as a whole cannot be read (too large, empty, not a table, wrong encoding)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.en)
        self.problem = problem


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    encoding: str


@dataclass
class CheckedRow:
    number: int
    values: dict[str, Any]
    department: Department
    exists: bool


@dataclass
class Check:
    """The dry run's result: the problems, the rows that would be written, and how headers were read."""

    encoding: str
    mapping: dict[str, str]
    ignored: list[str]
    rows: list[CheckedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def new_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.exists]

    @property
    def existing_count(self) -> int:
        return sum(1 for row in self.rows if row.exists)

    def report(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "mapping": self.mapping,
            "ignored": self.ignored,
            "rows": len(self.rows),
            "new": len(self.new_rows),
            "existing": self.existing_count,
            "problems": [p.as_dict() for p in self.problems],
        }


def normalise_width(text: str) -> str:
    """Half-width katakana (ｸﾗｳﾄﾞ, from old systems) to full width; everything else stays as written.

    Names, departments, dates, codes and headers are *compared* in NFKC (catalog.models.name_key),
    so ＡＢＣ and ABC are one provider; but a text is stored as the file writes it, so that a ledger
    exported and imported again is the same file.
    """
    return _HALF_WIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


# ── reading ────────────────────────────────────────────────────────────────


def read_table(data: bytes, *, encoding: str = "auto") -> Table:
    """The header and rows of an .xlsx (its first sheet) or a CSV file; refuses what it cannot read."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            Problem(
                None,
                "",
                f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f} MB）。10 MB までのファイルにしてください。",
                f"the file is too large ({len(data) / 1024 / 1024:.1f} MB); the limit is 10 MB",
            )
        )
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    else:
        table = _read_csv(data, encoding)
    rows = [(number, cells) for number, cells in table.rows if any(_present(c) for c in cells)]
    if not any(h.strip() for h in table.headers) or not rows:
        raise FileRefused(
            Problem(
                None,
                "",
                "シートに台帳の行がありません（1行目に見出し、2行目から台帳の行を入れてください）。",
                "the sheet holds no ledger rows (headers in row 1, entries from row 2)",
            )
        )
    return Table(table.headers, rows, table.encoding)


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            Problem(
                None, "", "Excel ファイル（.xlsx）として読めません。", f"not a readable .xlsx file ({exc})"
            )
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        headers: list[str] | None = None
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [_xlsx_value(cell) for cell in cells]
            if headers is None:
                headers = ["" if v is None else str(v) for v in values]
                continue
            rows.append((number, values))
    finally:
        workbook.close()
    return Table(headers or [], rows, "xlsx")


@dataclass(frozen=True)
class Formula:
    """A formula cell of a workbook: refused, since what it computes is not what the file says."""

    text: str

    def __str__(self) -> str:
        return self.text


def _xlsx_value(cell: Any) -> Any:
    if cell.data_type == "f":
        return Formula(str(cell.value))
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


def _read_csv(data: bytes, encoding: str) -> Table:
    text, used = _decode(data, encoding)
    if "\x00" in text:
        # No text of a ledger holds NUL, and PostgreSQL cannot store it: a binary file, not a CSV.
        row = text[: text.index("\x00")].count("\n") + 1
        raise FileRefused(
            Problem(
                row,
                "",
                f"{row}行目に NUL 文字があります。CSV ファイルではないようです。",
                f"row {row} contains a NUL character: this is not a CSV file",
            )
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise FileRefused(
            Problem(
                reader.line_num,
                "",
                f"{reader.line_num}行目: CSV として読めません（{exc}）。",
                f"row {reader.line_num}: not CSV ({exc})",
            )
        ) from None
    if not lines:
        return Table([], [], used)
    return Table(lines[0], [(number, cells) for number, cells in enumerate(lines[1:], start=2)], used)


def _decode(data: bytes, encoding: str) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or Windows Shift_JIS (cp932, which has ①, ㈱ and 髙 that plain
    Shift_JIS lacks). "auto" takes UTF-8 when the file is valid UTF-8, else cp932 — unless the file
    was UTF-8 up to the bad byte: a file mixing both is refused, naming the row."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if encoding == "cp932":
        return _strict(data, "cp932", "cp932")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        mixed = not data[: exc.start].isascii()
        if encoding == "utf-8" or mixed:
            raise FileRefused(_undecodable(data, exc.start, "UTF-8", mixed)) from None
    return _strict(data, "cp932", "cp932")


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        return data.decode(codec), name
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _undecodable(data, exc.start, "Shift_JIS" if codec == "cp932" else "UTF-8", False)
        ) from None


def _undecodable(data: bytes, position: int, codec: str, mixed: bool) -> Problem:
    row = data[:position].count(b"\n") + 1
    hint_ja = "UTF-8 と Shift_JIS が混在しています。" if mixed else "文字コードを確かめてください。"
    hint_en = "the file mixes UTF-8 and Shift_JIS" if mixed else "check the file's encoding"
    return Problem(
        row,
        "",
        f"{row}行目に {codec} として読めない文字があります（{hint_ja}）",
        f"row {row} has bytes that are not {codec} ({hint_en})",
    )


# ── checking ───────────────────────────────────────────────────────────────


def resolve_mapping(
    headers: list[str], columns: list[Column], saved: dict[str, str]
) -> tuple[dict[int, Column], dict[str, str], list[str], list[Problem]]:
    """Which file column feeds which ledger column: the municipality's saved mapping first (by
    normalised header), then the column labels in Japanese or English. Returns the positions, the
    mapping as shown to the user, the ignored headers and problems (a column fed twice)."""
    by_key = {column.key: column for column in columns if column.imported}
    by_label = {label: column for column in by_key.values() for label in column.labels()}
    positions: dict[int, Column] = {}
    shown: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    taken: dict[str, str] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        if key in saved:
            column = by_key.get(saved[key])
        else:
            column = by_label.get(key)
        if column is None:
            ignored.append(header)
            continue
        if column.key in taken:
            problems.append(
                Problem(
                    1,
                    header,
                    f"1行目: 列「{header}」と列「{taken[column.key]}」が同じ項目「{column.label}」に割り当てられています。",
                    f"row 1: columns {header!r} and {taken[column.key]!r} both map to {column.key}",
                )
            )
            continue
        taken[column.key] = header
        positions[index] = column
        shown[header] = column.key
    missing = [c for c in by_key.values() if c.required and c.key not in taken]
    for column in missing:
        with override("ja"):
            label_ja = str(column.label)
        with override("en"):
            label_en = str(column.label)
        problems.append(
            Problem(
                1,
                "",
                f"1行目: 必須の列「{label_ja}」がありません（見出しを直すか、列の対応を設定してください）。",
                f"row 1: the required column {label_en!r} is missing (rename the header or map it)",
            )
        )
    return positions, shown, ignored, problems


def check_table(table: Table, municipality: Municipality, saved_mapping: dict[str, str]) -> Check:
    """The dry run: every row parsed and matched, every problem listed. Writes nothing."""
    columns = columns_for(municipality)
    positions, shown, ignored, problems = resolve_mapping(table.headers, columns, saved_mapping)
    check = Check(encoding=table.encoding, mapping=shown, ignored=ignored, problems=problems)
    if problems:
        return check
    reader = _RowReader(municipality)
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in table.rows:
        values, department, row_problems = reader.read(number, cells, positions, table.headers)
        check.problems += row_problems
        if row_problems or department is None:
            continue
        key = (
            department.pk,
            name_key(values["provider_name"]),
            name_key(values["service_name"]),
            name_key(values["function_name"]),
        )
        if key in seen:
            header = _header_of("service_name", positions, table.headers)
            check.problems.append(
                Problem(
                    number,
                    header,
                    f"{number}行目: {seen[key]}行目と同じサービス・提供者・所属です（重複）。",
                    f"row {number}: the same service, provider and department as row {seen[key]} (duplicate)",
                )
            )
            continue
        seen[key] = number
        check.rows.append(CheckedRow(number, values, department, exists=key in reader.existing))
    return check


def _header_of(key: str, positions: dict[int, Column], headers: list[str]) -> str:
    return next((headers[i] for i, c in positions.items() if c.key == key), key)


class _RowReader:
    """Parses one row's cells into the ledger's values, collecting its problems."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        departments = list(Department.objects.filter(municipality=municipality))
        self.departments = {name_key(d.name): d for d in departments} | {
            name_key(d.code): d for d in departments
        }
        pack = municipality.pack().pack
        assert pack.classification is not None and pack.tracks is not None
        levels = pack.classification.confidentiality.levels
        self.levels = {name_key(level.code): level for level in levels} | {
            name_key(level.label): level for level in levels
        }
        self.level_names = "、".join(level.label for level in levels)
        self.existing = set(
            LedgerEntry.objects.filter(municipality=municipality).values_list(
                "department_id", "service__provider__name_key", "service__name_key", "service__function_key"
            )
        )

    def read(
        self, number: int, cells: list[Any], positions: dict[int, Column], headers: list[str]
    ) -> tuple[dict[str, Any], Department | None, list[Problem]]:
        values: dict[str, Any] = {column.key: "" for column in positions.values()}
        problems: list[Problem] = []
        department: Department | None = None
        for index, column in positions.items():
            raw = cells[index] if index < len(cells) else None
            header = headers[index]
            try:
                value = self._value(column, raw)
            except _CellError as exc:
                problems.append(
                    Problem(
                        number,
                        header,
                        f"{number}行目「{header}」: {exc.ja}",
                        f"row {number}, column {header!r}: {exc.en}",
                    )
                )
                continue
            if column.key == "department" and value:
                department = self.departments.get(name_key(value))
                if department is None:
                    problems.append(
                        Problem(
                            number,
                            header,
                            f"{number}行目「{header}」: 所属「{value}」は{self.municipality.name}に登録されていません。",
                            f"row {number}, column {header!r}: no department {value!r} in {self.municipality.slug}",
                        )
                    )
            values[column.key] = value
        for index, column in positions.items():
            if (
                column.required
                and not values.get(column.key)
                and not any(p.column == headers[index] for p in problems)
            ):
                problems.append(
                    Problem(
                        number,
                        headers[index],
                        f"{number}行目「{headers[index]}」: 入力してください。",
                        f"row {number}, column {headers[index]!r}: required",
                    )
                )
        start, end = values.get("period_start"), values.get("period_end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            header = _header_of("period_end", positions, headers)
            problems.append(
                Problem(
                    number,
                    header,
                    f"{number}行目「{header}」: 利用終了日が利用開始日より前です。",
                    f"row {number}, column {header!r}: the period ends before it starts",
                )
            )
        values.setdefault("function_name", "")
        return values, department, problems

    def _value(self, column: Column, raw: Any) -> Any:
        if isinstance(raw, Formula):
            raise _CellError(
                f"数式（{raw.text[:30]}）は取り込めません。値を入力してください。",
                f"a formula ({raw.text[:30]!r}) cannot be imported; enter the value",
            )
        if isinstance(raw, datetime.date):
            if column.is_date:
                return raw
            raw = raw.isoformat()
        text = normalise_width("" if raw is None else str(raw)).strip()
        text = _unescape_formula(text)
        if column.is_date:
            if not text:
                return None
            try:
                return parse_date(text)
            except DateFormatError as exc:
                raise _CellError(exc.ja, exc.en) from None
        if column.max_length and len(text) > column.max_length:
            raise _CellError(
                f"{column.max_length}文字以内にしてください（{len(text)}文字）。",
                f"at most {column.max_length} characters ({len(text)})",
            )
        if column.key == "classification" and text:
            level = self.levels.get(name_key(text))
            if level is None:
                raise _CellError(
                    f"格付「{text}」はありません（{self.level_names}）。",
                    f"unknown classification {text!r} ({self.level_names})",
                )
            return level.code
        if column.key in _CHOICES:
            return _choice(_CHOICES[column.key], text)
        return text


class _CellError(Exception):
    def __init__(self, ja: str, en: str) -> None:
        super().__init__(en)
        self.ja = ja
        self.en = en


def _unescape_formula(text: str) -> str:
    """A leading apostrophe before = + - @ is the export's (and Excel's) mark of text: removed.
    Any other text starting with those characters is a formula to a spreadsheet: refused."""
    plain = unicodedata.normalize("NFKC", text)  # ＝ is = to a spreadsheet too
    if plain.startswith("'") and plain[1:].startswith(FORMULA_STARTS):
        return text[1:]
    if len(plain) > 1 and plain.startswith(FORMULA_STARTS):
        raise _CellError(
            f"「{text[:30]}」は数式として扱われるため取り込めません（文字として入れるときは先頭に ' を付けてください）。",
            f"{text[:30]!r} would be a formula in a spreadsheet (prefix it with ' to keep it as text)",
        )
    return text


_CHOICES: dict[str, type[TextChoices]] = {
    "service_model": ServiceModel,
    "user_scope": UserScope,
    "status": EntryStatus,
}
_DEFAULTS: dict[type[TextChoices], str] = {
    ServiceModel: ServiceModel.OTHER,
    UserScope: UserScope.ORGANISATION,
    EntryStatus: EntryStatus.IN_OPERATION,
}


@cache
def _choice_codes(choices: type[TextChoices]) -> dict[str, str]:
    """Each choice's code and its labels in Japanese and English (compared as name keys) -> its code.

    Built once per process: the catalogues are fixed once loaded, and a file of 10,000 rows would
    otherwise switch the language 60,000 times."""
    codes: dict[str, str] = {}
    for choice in choices:
        names = {choice.value, str(choice.label)}
        for language in ("ja", "en"):
            with override(language):
                names.add(str(choice.label))
        codes |= {name_key(name): str(choice.value) for name in names}
    return codes


def _choice(choices: type[TextChoices], text: str) -> str:
    """The code of a choice given by code or by its label in Japanese or English; blank takes the default."""
    if not text:
        return str(_DEFAULTS[choices])
    code = _choice_codes(choices).get(name_key(text))
    if code is not None:
        return code
    with override("ja"):
        shown = "、".join(str(choice.label) for choice in choices)
    raise _CellError(
        f"「{text}」は選べる値ではありません（{shown}）。",
        f"{text!r} is not one of: {', '.join(choices.values)}",
    )
