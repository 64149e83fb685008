"""Reading a ledger kept in Excel or CSV, and checking every row before anything is written (the dry run).

Each problem names its row (the file's row number, the header being row 1) and column (the file's own
header), in Japanese and English. Nothing here writes: kumokan.documents.actions commits a checked file.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from kumokan.applications.choices import UserScope
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import name_key
from kumokan.core.actors import display_name
from kumokan.core.spreadsheet import (
    Formula,
    Sheet,
    SpreadsheetRefused,
    compare_key,
    find_header,
    present,
    read_spreadsheet,
    widen_kana,
)
from kumokan.core.wareki import DateFormatError, parse_date, parse_period
from kumokan.documents.ledger_table import (
    FORMULA_STARTS,
    Column,
    header_key,
    import_columns_for,
    short_forms,
)
from kumokan.errors import Spoken, as_typed, in_both
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.models import Department, Municipality

# What the dry run asks a person to decide rather than refusing row by row (issue 16 point 3).
DECISION_KINDS = ("classification", "department", "service_manager")
# The answer for a service manager's name that no account matches: the entry is imported without a
# designated manager, its administrator of record holds it, and the ledger shows it as unassigned.
UNASSIGNED = "+unassigned"
# The most rows one file may hold; a larger ledger is imported in parts.
ROW_LIMIT = 50_000
# Files of more rows than this are checked and imported by a background job (kumokan.documents.tasks).
BACKGROUND_FROM_ROWS = 300
# How often (in rows) a background check reports its progress.
PROGRESS_EVERY = 500
# The last row an Excel sheet can have: a header row chosen by number is at most this.
MAX_ROW = 1_048_576
# At least this many known column labels make a row the header (title rows and notes above it have fewer).
HEADER_MINIMUM = 3


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
    # The sheet read, every sheet of the file, and the row number of the header.
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1


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
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1
    # Values a person must decide how to read, asked once (DECISION_KINDS): kind -> key -> what was found.
    pending: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """Nothing can be imported while a problem or an undecided value remains."""
        return bool(self.problems or self.pending)

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
            "sheet": self.sheet,
            "sheets": self.sheets,
            "header_row": self.header_row,
            "decisions": self.pending,
            "rows": len(self.rows),
            "new": len(self.new_rows),
            "existing": self.existing_count,
            "problems": [p.as_dict() for p in self.problems],
        }


# ── reading ────────────────────────────────────────────────────────────────


def read_table(
    data: bytes,
    *,
    encoding: str = "auto",
    recognise: Callable[[str], Column | None] | None = None,
    sheet: str = "",
    header_row: int | None = None,
) -> Table:
    """The header and rows of a ledger in an .xlsx workbook or a CSV file (kumokan.core.spreadsheet).

    The sheet is the one named, else the one whose header holds the most known column labels
    (`recognise`); the header is the row numbered `header_row`, else the first row with at least
    HEADER_MINIMUM known labels, else the first row that is not blank. Blank rows are left out."""
    try:
        sheets, used = read_spreadsheet(data, encoding=encoding)
    except SpreadsheetRefused as refused:
        raise FileRefused(Problem(refused.row, "", refused.ja, refused.en)) from None

    def score(cells: list[Any]) -> int:
        if recognise is None:
            return 0
        found = {recognise(str(cell)) for cell in cells if isinstance(cell, str) and cell.strip()}
        return len({column.key for column in found if column is not None})

    def header_of(candidate: Sheet) -> tuple[int, int]:
        """The header's position among the sheet's rows and its score (-1 when the sheet is blank)."""
        rows = candidate.rows
        if header_row is not None:
            found = next((i for i, (number, _cells) in enumerate(rows) if number == header_row), None)
            return (found, score(rows[found][1])) if found is not None else (-1, -1)
        index = find_header(rows, score, HEADER_MINIMUM)
        if index is not None:
            return index, score(rows[index][1])
        first = next((i for i, (_number, cells) in enumerate(rows) if any(present(c) for c in cells)), None)
        return (first, 0) if first is not None else (-1, -1)

    named = [candidate for candidate in sheets if candidate.name == sheet]
    chosen = named[0] if named else max(sheets, key=lambda candidate: header_of(candidate)[1])
    index, _score = header_of(chosen)
    names = [candidate.name for candidate in sheets]
    rows = chosen.rows[index + 1 :] if index >= 0 else []
    rows = [(number, cells) for number, cells in rows if any(present(c) for c in cells)]
    if index < 0 or not rows:
        raise FileRefused(
            Problem(
                None,
                "",
                "シートに台帳の行がありません（見出しの行の下に台帳の行を入れてください）。",
                "the sheet holds no ledger rows (a header row, then the entries under it)",
            )
        )
    if len(rows) > ROW_LIMIT:
        raise FileRefused(
            Problem(
                None,
                "",
                f"行が多すぎます（{len(rows):,}行）。1回に取り込めるのは{ROW_LIMIT:,}行までです。ファイルを分けて取り込んでください。",
                f"too many rows ({len(rows):,}); one file may hold at most {ROW_LIMIT:,}: import it in parts",
            )
        )
    number, cells = chosen.rows[index]
    headers = ["" if cell is None else str(cell) for cell in cells]
    return Table(headers, rows, used, sheet=chosen.name, sheets=names, header_row=number)


# ── checking ───────────────────────────────────────────────────────────────


class Recogniser:
    """Which ledger column a header names: the municipality's saved mapping (by header_key; "" ignores
    the column), then the columns' labels as written (the product's in Japanese and English, the
    pack's ledger field labels), then their short forms (ledger_table.short_forms), where only one
    column has that short form."""

    def __init__(self, columns: list[Column], saved: dict[str, str]) -> None:
        self.by_key = {column.key: column for column in columns if column.imported}
        self.saved = saved
        self.exact = {label: column for column in self.by_key.values() for label in column.labels()}
        owners: dict[str, set[str]] = {}
        for column in self.by_key.values():
            for form in column.short_labels():
                owners.setdefault(form, set()).add(column.key)
        self.short = {
            form: self.by_key[next(iter(keys))]
            for form, keys in owners.items()
            if len(keys) == 1 and form not in self.exact
        }

    def __call__(self, header: str) -> Column | None:
        key = header_key(header)
        if not key:
            return None
        if key in self.saved:
            return self.by_key.get(self.saved[key])
        if key in self.exact:
            return self.exact[key]
        for form in short_forms(header):
            column = self.exact.get(form) or self.short.get(form)
            if column is not None:
                return column
        return None


def resolve_mapping(
    headers: list[str], recognise: Recogniser, header_row: int = 1
) -> tuple[dict[int, Column], dict[str, str], list[str], list[Problem]]:
    """Which file column feeds which ledger column (see Recogniser). Returns the positions, the
    mapping as shown to the user, the ignored headers and problems (a column fed twice, a required
    one missing), each naming the header's row."""
    positions: dict[int, Column] = {}
    shown: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    taken: dict[str, str] = {}
    row = header_row
    for index, header in enumerate(headers):
        if not header_key(header):
            continue
        column = recognise(header)
        if column is None:
            ignored.append(header)
            continue
        if column.key in taken:
            problems.append(
                Problem(
                    row,
                    header,
                    f"{row}行目: 列「{header}」と列「{taken[column.key]}」が同じ項目「{column.label}」に割り当てられています。",
                    f"row {row}: columns {header!r} and {taken[column.key]!r} both map to {column.key}",
                )
            )
            continue
        taken[column.key] = header
        positions[index] = column
        shown[header] = column.key
    # The department may come from the applicant's (the seed's ledger has no column of its own for it).
    fed = set(taken) | {part for key in taken for part in recognise.by_key[key].splits_into}
    if "applicant_department_name" in fed:
        fed.add("department")
    missing = [c for c in recognise.by_key.values() if c.required and c.key not in fed]
    for column in missing:
        with override("ja"):
            label_ja = str(column.label)
        with override("en"):
            label_en = str(column.label)
        problems.append(
            Problem(
                row,
                "",
                f"{row}行目: 必須の列「{label_ja}」がありません（見出しを直すか、列の対応を設定してください）。",
                f"row {row}: the required column {label_en!r} is missing (rename the header or map it)",
            )
        )
    return positions, shown, ignored, problems


def recogniser_for(municipality: Municipality, saved_mapping: dict[str, str]) -> Recogniser:
    return Recogniser(import_columns_for(municipality), saved_mapping)


def check_table(
    table: Table,
    municipality: Municipality,
    saved_mapping: dict[str, str],
    decisions: dict[str, dict[str, str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Check:
    """The dry run: every row parsed and matched, every problem listed, every value that needs a
    decision (not yet in `decisions`, the municipality's saved ones) listed once. Writes nothing."""
    recognise = recogniser_for(municipality, saved_mapping)
    positions, shown, ignored, problems = resolve_mapping(table.headers, recognise, table.header_row)
    check = Check(
        encoding=table.encoding,
        mapping=shown,
        ignored=ignored,
        problems=problems,
        sheet=table.sheet,
        sheets=table.sheets,
        header_row=table.header_row,
    )
    if problems:
        return check
    reader = _RowReader(municipality, decisions or {})
    seen: dict[tuple[Any, ...], int] = {}
    for done, (number, cells) in enumerate(table.rows):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(table.rows))
        values, department, row_problems, undecided = reader.read(number, cells, positions, table.headers)
        check.problems += row_problems
        for kind, value in undecided:
            found = check.pending.setdefault(kind, {}).setdefault(
                compare_key(value), {"value": value, "count": 0, "rows": []}
            )
            found["count"] += 1
            if len(found["rows"]) < 5:
                found["rows"].append(number)
        if row_problems or undecided or department is None:
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

    def __init__(self, municipality: Municipality, decisions: dict[str, dict[str, str]]) -> None:
        self.municipality = municipality
        departments = list(Department.objects.filter(municipality=municipality))
        self.departments = {compare_key(d.name): d for d in departments} | {
            compare_key(d.code): d for d in departments
        }
        by_code = {d.code: d for d in departments}
        # The decisions saved for this municipality: a department's name as the file writes it -> the
        # department meant (by code); a classification as written -> the pack's level (by code).
        self.decided_departments = {
            key: by_code[code] for key, code in decisions.get("department", {}).items() if code in by_code
        }
        pack = municipality.pack().pack
        assert pack.classification is not None and pack.tracks is not None
        levels = pack.classification.confidentiality.levels
        self.levels = {name_key(level.code): level for level in levels} | {
            name_key(level.label): level for level in levels
        }
        codes = {level.code for level in levels}
        self.decided_levels = {
            key: code for key, code in decisions.get("classification", {}).items() if code in codes
        }
        # Service managers by name, among the people who may be one (tenancy.access, the one rule):
        # a name that matches one of them is that person; none or several, a person decides.
        self.managers: dict[str, list[Any]] = {}
        for person in eligible_service_managers(municipality):
            self.managers.setdefault(compare_key(display_name(person)), []).append(person)
        eligible = {str(p.pk): p for people in self.managers.values() for p in people}
        self.decided_managers = {
            key: (None if answer == UNASSIGNED else eligible[answer])
            for key, answer in decisions.get("service_manager", {}).items()
            if answer == UNASSIGNED or answer in eligible
        }
        self.existing = set(
            LedgerEntry.objects.filter(municipality=municipality).values_list(
                "department_id", "service__provider__name_key", "service__name_key", "service__function_key"
            )
        )
        # A cell's reading depends only on its column and its text (and the decisions above), and most
        # columns repeat a few values over thousands of rows: each is read once per column.
        self.read_cells: dict[int, dict[tuple[type, Any], Any]] = {}

    def read(
        self, number: int, cells: list[Any], positions: dict[int, Column], headers: list[str]
    ) -> tuple[dict[str, Any], Department | None, list[Problem], list[tuple[str, str]]]:
        values: dict[str, Any] = {column.key: "" for column in positions.values() if not column.splits_into}
        problems: list[Problem] = []
        undecided: list[tuple[str, str]] = []
        fed_by: dict[str, str] = {}
        for index, column in positions.items():
            raw = cells[index] if index < len(cells) else None
            header = headers[index]
            try:
                value = self._value(column, raw)
            except _Undecided as exc:
                undecided.append((exc.kind, exc.value))
                values[column.key] = exc.value
                fed_by[column.key] = header
                continue
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
            parts = value if column.splits_into else {column.key: value}
            for key, part in parts.items():
                # A column of its own wins over the half of a combined cell.
                if key not in fed_by or not values.get(key):
                    values[key] = part
                    fed_by[key] = header
        if not values.get("department") and values.get("applicant_department_name"):
            values["department"] = values["applicant_department_name"]
            fed_by["department"] = fed_by["applicant_department_name"]
        department = self._department(values, undecided)
        self._service_manager(values, undecided)
        for index, column in positions.items():
            header = fed_by.get(column.key, headers[index])
            if (
                column.required
                and not values.get(column.key)
                and not any(p.column == header for p in problems)
            ):
                problems.append(
                    Problem(
                        number,
                        header,
                        f"{number}行目「{header}」: 入力してください。",
                        f"row {number}, column {header!r}: required",
                    )
                )
        start, end = values.get("period_start"), values.get("period_end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            header = fed_by.get("period_end", "")
            problems.append(
                Problem(
                    number,
                    header,
                    f"{number}行目「{header}」: 利用終了日が利用開始日より前です。",
                    f"row {number}, column {header!r}: the period ends before it starts",
                )
            )
        values.setdefault("function_name", "")
        return values, department, problems, undecided

    def _department(self, values: dict[str, Any], undecided: list[tuple[str, str]]) -> Department | None:
        """The registered department the row names, or the one decided for that name; a name neither
        knows is a value to decide (an existing department, or a new one)."""
        text = values.get("department")
        if not text:
            return None
        key = compare_key(text)
        department = self.departments.get(key) or self.decided_departments.get(key)
        if department is None:
            undecided.append(("department", text))
        return department

    def _service_manager(self, values: dict[str, Any], undecided: list[tuple[str, str]]) -> None:
        """The person the row's service manager name is: values["service_manager"] is that user, or
        None where it was decided to leave the entry unassigned; a name that matches no eligible person,
        or several, is a value to decide. No name, no key: the importer is the user of record."""
        name = values.get("service_manager_name")
        if not name:
            return
        key = compare_key(name)
        if key in self.decided_managers:
            values["service_manager"] = self.decided_managers[key]
            return
        found = self.managers.get(key, [])
        if len(found) == 1:
            values["service_manager"] = found[0]
        else:
            undecided.append(("service_manager", name))

    def _split(self, column: Column, raw: Any) -> dict[str, Any]:
        """A combined cell's two values: a period's start and end (either may be open), or a
        department and the name or title after it."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return {}
        if isinstance(raw, datetime.date):
            raise _CellError(
                _("give the period as 'start%(tilde)send' (the cell holds one date)"), params=_TILDE
            )
        text = _unescape_formula(widen_kana(str(raw)).strip())
        first, second = column.splits_into
        if column.key == "period":
            try:
                start, end = parse_period(text)
            except DateFormatError as exc:
                raise _CellError(exc.text) from None
            return {first: start, second: end}
        department, rest = self._split_department(text)
        return {first: department, second: rest}

    def _split_department(self, text: str) -> tuple[str, str]:
        """「デジタル推進課・山田太郎」, 「情報政策課　係長」: split at the one 「・」, else where the part before
        is a registered department, else at the one separator; more than one possible split is refused."""
        cuts = [(m.start(), m.end()) for m in _COMBINED_SEPARATOR.finditer(text)]
        dots = [cut for cut in cuts if text[cut[0] : cut[1]].strip() == "・"]
        if len(dots) == 1:
            chosen = dots[0]
        else:
            known = [cut for cut in cuts if compare_key(text[: cut[0]]) in self.departments]
            if len(known) == 1:
                chosen = known[0]
            elif len(cuts) == 1:
                chosen = cuts[0]
            else:
                raise _CellError(
                    _(
                        "cannot tell where the department ends in %(text)s (put one %(dot)s after it, e.g. %(example)s)"
                    ),
                    params={
                        "text": as_typed(text[:40]),
                        "dot": as_typed("・"),
                        "example": "デジタル推進課・山田太郎",
                    },
                )
        department, rest = text[: chosen[0]].strip(), text[chosen[1] :].strip()
        if not department or not rest:
            raise _CellError(
                _("%(text)s needs both the department and the name or title"),
                params={"text": as_typed(text[:40])},
            )
        return department, rest

    def _value(self, column: Column, raw: Any) -> Any:
        """The cell's value as _read gives it, or its problem, read once per column and text."""
        if type(raw) not in _MEMO_TYPES:
            return self._read(column, raw)
        read = self.read_cells.setdefault(id(column), {})
        key = (type(raw), raw)
        found = read.get(key)
        if found is None:
            try:
                found = (True, self._read(column, raw))
            except (_Undecided, _CellError) as exc:
                found = (False, exc)
            if len(read) < _MEMO_PER_COLUMN:
                read[key] = found
        ok, value = found
        if not ok:
            raise value.with_traceback(None)
        return dict(value) if isinstance(value, dict) else value

    def _read(self, column: Column, raw: Any) -> Any:
        if isinstance(raw, Formula):
            raise _CellError(
                _("a formula (%(formula)s) cannot be imported; enter the value"),
                params={"formula": as_typed(raw.text[:30])},
            )
        if column.splits_into:
            return self._split(column, raw)
        if isinstance(raw, datetime.date):
            if column.is_date:
                return raw
            raw = raw.isoformat()
        text = widen_kana("" if raw is None else str(raw)).strip()
        text = _unescape_formula(text)
        if column.is_date:
            if not text:
                return None
            try:
                return parse_date(text)
            except DateFormatError as exc:
                raise _CellError(exc.text) from None
        if column.max_length and len(text) > column.max_length:
            raise _CellError(
                _("at most %(limit)s characters (%(length)s)"),
                params={"limit": column.max_length, "length": len(text)},
            )
        if column.key == "classification" and text:
            level = self.levels.get(name_key(text))
            if level is not None:
                return level.code
            decided = self.decided_levels.get(compare_key(text))
            if decided is None:
                # Another scale (機密性２ where the pack says 第2種): which level it is, a person decides.
                raise _Undecided("classification", text)
            return decided
        if column.key in _CHOICES:
            return _choice(_CHOICES[column.key], text)
        return text


# Cells of these types are read once per column and value (_RowReader._value), up to so many values
# a column: a column of free text (the purpose, the service's name) differs on every row.
_MEMO_TYPES = frozenset({str, int, float, datetime.date, datetime.datetime, type(None)})
_MEMO_PER_COLUMN = 1000

# Between a department and the name or title after it: 「・」, spaces (full width too) or a slash.
_COMBINED_SEPARATOR = re.compile(r"\s*[・･/／]\s*|\s+")


class _Undecided(Exception):
    """A value a person must decide how to read (DECISION_KINDS), asked once for the whole file."""

    def __init__(self, kind: str, value: str) -> None:
        super().__init__(value)
        self.kind = kind
        self.value = value


class _CellError(Spoken):
    """A cell the import cannot read: a msgid with its parameters, kept in each language as a Problem."""


# The wave dash of "start～end", as a file writes it in either language.
_TILDE = {"tilde": "～"}


def _unescape_formula(text: str) -> str:
    """A leading apostrophe before = + - @ is the export's (and Excel's) mark of text: removed.
    Any other text starting with those characters is a formula to a spreadsheet: refused."""
    plain = unicodedata.normalize("NFKC", text)  # ＝ is = to a spreadsheet too
    if plain.startswith("'") and plain[1:].startswith(FORMULA_STARTS):
        return text[1:]
    if len(plain) > 1 and plain.startswith(FORMULA_STARTS):
        raise _CellError(
            _("%(text)s would be a formula in a spreadsheet (prefix it with ' to keep it as text)"),
            params={"text": as_typed(text[:30])},
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
        _("%(text)s is not one of: %(choices)s"),
        # The choices by their Japanese labels, or by their codes in English.
        params={"text": as_typed(text), "choices": in_both(shown, ", ".join(choices.values))},
    )
