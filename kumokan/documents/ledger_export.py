"""Exporting the ledger as XLSX or CSV, streamed in chunks so that 100,000 entries fit in bounded memory.

Shift_JIS (cp932) is checked before the first byte is sent: once a streamed response has begun its
status is 200 and a failure half-way would leave a cut-off file that looks complete. The check is one
extra pass over the same query, and it names every row and column (up to a limit) that cannot be written.
"""

from __future__ import annotations

import csv
import datetime
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kumokan.documents.ledger_table import Column, row_maker
from kumokan.ledger.models import LedgerEntry

CHUNK_SIZE = 2000
# Rows read to fit the column widths before the rest is streamed.
WIDTH_SAMPLE = 500
MAX_WIDTH = 60
PROBLEM_LIMIT = 50
# Characters that Windows' Shift_JIS writes with another code point: the usual JIS/Unicode mapping
# differences (WAVE DASH, MINUS SIGN, …), which Excel shows the same. Anything else without a
# cp932 form is an error.
CP932_EQUIVALENTS = str.maketrans(
    {
        "\u301c": "\uff5e",  # 〜 → ～
        "\u2212": "\uff0d",  # − → －
        "\u2016": "\u2225",  # ‖ → ∥
        "\u2014": "\u2015",  # — → ―
        "\u00a2": "\uffe0",  # ¢ → ￠
        "\u00a3": "\uffe1",  # £ → ￡
        "\u00ac": "\uffe2",  # ¬ → ￢
    }
)


@dataclass(frozen=True)
class Unwritable:
    """The characters of one cell that Shift_JIS has no code for."""

    row: int
    column: str
    characters: str

    @property
    def ja(self) -> str:
        shown = "」「".join(f"{ch}（U+{ord(ch):04X}）" for ch in self.characters)
        return f"{self.row}行目「{self.column}」の「{shown}」は Shift_JIS で表せません"

    @property
    def en(self) -> str:
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, '')})" for ch in self.characters)
        return f"row {self.row}, column {self.column}: {shown} has no Shift_JIS code"


def export_rows(entries: QuerySet[LedgerEntry], columns: list[Column]) -> Iterator[list[Any]]:
    """The header, then one row per entry, read from the database in chunks."""
    yield [str(column.label) for column in columns]
    row = row_maker(columns)
    for entry in entries.iterator(chunk_size=CHUNK_SIZE):
        yield row(entry)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def cp932_problems(entries: QuerySet[LedgerEntry], columns: list[Column]) -> list[Unwritable]:
    """Every cell (up to PROBLEM_LIMIT) with a character Shift_JIS cannot write, by row and column."""
    problems: list[Unwritable] = []
    labels = [str(column.label) for column in columns]
    for number, row in enumerate(export_rows(entries, columns), start=1):
        texts = [_text(value) for value in row]
        if _cp932("\n".join(texts).translate(CP932_EQUIVALENTS)):
            continue  # the whole row encodes: the usual case, one encode instead of one per cell
        for label, text in zip(labels, texts, strict=True):
            text = text.translate(CP932_EQUIVALENTS)
            try:
                text.encode("cp932")
            except UnicodeEncodeError:
                missing = "".join(dict.fromkeys(ch for ch in text if not _cp932(ch)))
                problems.append(Unwritable(number, label, missing))
                if len(problems) >= PROBLEM_LIMIT:
                    return problems
    return problems


def _cp932(text: str) -> bool:
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(rows: Iterable[list[Any]], *, cp932: bool = False) -> Iterator[bytes]:
    """The rows as CSV (CRLF line ends, as Excel writes): UTF-8 with a BOM, or Shift_JIS (cp932)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    if not cp932:
        yield "\ufeff".encode()
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([_text(value) for value in row]))
        if len(batch) >= 500:
            yield _encode("".join(batch), cp932)
            batch = []
    if batch:
        yield _encode("".join(batch), cp932)


def _encode(text: str, cp932: bool) -> bytes:
    if cp932:
        # Checked beforehand (cp932_problems); strict, so that an unchecked character still fails loudly.
        return text.translate(CP932_EQUIVALENTS).encode("cp932")
    return text.encode("utf-8")


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(rows: Iterator[list[Any]], out: IO[bytes], *, sheet_title: str) -> None:
    """The rows as a workbook written row by row (openpyxl's write-only mode keeps memory bounded):
    header styled and frozen, auto-filter on, column widths fitted to the header and the first rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    header = next(rows)
    sample = [row for _, row in zip(range(WIDTH_SAMPLE), rows, strict=False)]
    for index, label in enumerate(header, start=1):
        widest = max([display_width(label), *(display_width(_text(row[index - 1])) for row in sample)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, widest + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="305496")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font, cell.fill, cell.alignment = bold, fill, centre
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in _chain(sample, rows):
        sheet.append([_cell(value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    workbook.save(out)


def _chain(first: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest


def _cell(value: Any) -> Any:
    """Dates stay dates (openpyxl formats them yyyy-mm-dd); text is written as it is: row_maker has
    escaped anything a spreadsheet would run, so no cell becomes a formula; empty cells stay empty."""
    if isinstance(value, datetime.date):
        return value
    return _text(value) or None
