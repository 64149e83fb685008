"""Spreadsheets people keep (Excel workbooks and CSV files): the one place where they are opened, and
the one way the text they hold is compared.

The ledger import (kumokan.documents.ledger_import) and the ISMAP list import
(kumokan.catalog.ismap_list) read through here. Cells are returned as the file holds them; what they
mean is the caller's business. Every refusal is a msgid read in either language (SpreadsheetRefused.ja,
.en) and names the row where it can.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kumokan.errors import Spoken

MAX_BYTES = 10 * 1024 * 1024
ENCODINGS = ("auto", "utf-8", "cp932")
# How far down a header is looked for, under title rows and notes.
HEADER_SEARCH_ROWS = 20

_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
# Variant kanji (異体字) a name may be written with, read as the common form when names are compared.
_VARIANTS = str.maketrans(
    {"髙": "高", "﨑": "崎", "𠮷": "吉", "德": "徳", "濵": "浜", "邊": "辺", "邉": "辺"}
)
# A qualifier in brackets after a label: 「利用申請者（所属・氏名）」 is 「利用申請者」 (after NFKC).
_QUALIFIER = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|<[^<>]*>")


class SpreadsheetRefused(Spoken):
    """The file as a whole cannot be read (too large, not a workbook, wrong encoding); `row` where known."""

    def __init__(
        self, message: str | Promise, *, params: dict[str, Any] | None = None, row: int | None = None
    ) -> None:
        super().__init__(message, params=params)
        self.row = row


@dataclass(frozen=True)
class Formula:
    """A formula cell of a workbook read with formulas kept: what it computes is not what the file says."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Sheet:
    """One sheet (a CSV file is one sheet): its rows, numbered as the spreadsheet numbers them (from 1)."""

    name: str
    rows: list[tuple[int, list[Any]]]


# ── comparing text ─────────────────────────────────────────────────────────


def normalise(text: Any) -> str:
    """NFKC, spaces collapsed: a cell read for its meaning (ＡＢＣ　株式会社 → ABC 株式会社)."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def compare_key(text: Any) -> str:
    """The form two headers or names are compared in: NFKC, case-folded, without spaces, and with
    variant kanji read as the common form (髙﨑 is 高崎)."""
    return "".join(unicodedata.normalize("NFKC", str(text)).casefold().split()).translate(_VARIANTS)


def without_qualifiers(text: Any) -> str:
    """compare_key with the qualifiers in brackets left out: 「利用期間（開始日～終了日）」 → 「利用期間」."""
    key = compare_key(text)
    while True:
        shorter = _QUALIFIER.sub("", key)
        if shorter == key:
            return key
        key = shorter


def widen_kana(text: str) -> str:
    """Half-width katakana (ｸﾗｳﾄﾞ, from old systems) to full width; everything else stays as written."""
    return _HALF_WIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def find_header(
    rows: list[tuple[int, list[Any]]], score: Callable[[list[Any]], int], minimum: int
) -> int | None:
    """The position in `rows` of the first of the first HEADER_SEARCH_ROWS rows scoring `minimum` or
    more (the number of cells that are known labels, as `score` counts them), so that title rows,
    notes and blank rows above the header are passed over; None if there is none."""
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if score(cells) >= minimum:
            return index
    return None


# ── reading ────────────────────────────────────────────────────────────────


def estimate_rows(data: bytes) -> int:
    """About how many rows a file holds, without reading its cells: a CSV file's lines, or the rows of
    a workbook's largest sheet (its <row> elements, counted as the sheet is decompressed). 0 for a
    file that is neither; reading it properly will say why."""
    if not data.startswith(b"PK\x03\x04"):
        return data.count(b"\n") + 1
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            counts = []
            for name in archive.namelist():
                if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                    continue
                count, tail = 0, b""
                with archive.open(name) as sheet:
                    while chunk := sheet.read(1 << 20):
                        count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                        tail = chunk[-4:]
                counts.append(count)
            return max(counts, default=0)
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def read_spreadsheet(
    data: bytes, *, encoding: str = "auto", formulas: bool = True
) -> tuple[list[Sheet], str]:
    """The sheets of an .xlsx workbook or the one sheet of a CSV file, and the encoding read ("xlsx" for
    a workbook). With `formulas`, a formula cell is a Formula; without, the value Excel last computed."""
    if len(data) > MAX_BYTES:
        raise SpreadsheetRefused(
            _("the file is too large (%(size).1f MB); the limit is 10 MB"),
            params={"size": len(data) / 1024 / 1024},
        )
    if data.startswith(b"PK\x03\x04"):
        return read_workbook(data, formulas=formulas), "xlsx"
    sheet, used = read_csv(data, encoding)
    return [sheet], used


def read_workbook(data: bytes, *, formulas: bool = True) -> list[Sheet]:
    """Every worksheet of an .xlsx workbook, cell values as Python values (dates as dates).

    A damaged or hostile workbook (a part that is not well-formed XML, a DOCTYPE with entities) is
    refused like any unreadable file: read-only sheets are parsed while iterated, so the reading is
    inside the guard too.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_doctype(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
        try:
            return [
                Sheet(
                    sheet.title,
                    [
                        (number, [_cell_value(cell) for cell in cells])
                        for number, cells in enumerate(sheet.iter_rows(), start=1)
                    ],
                )
                for sheet in workbook.worksheets
            ]
        finally:
            workbook.close()
    except (InvalidFileException, *_UNREADABLE) as exc:
        raise SpreadsheetRefused(
            _("not an Excel (.xlsx) file that can be read (%(reason)s); open it in Excel and save it again"),
            params={"reason": f"{type(exc).__name__}: {exc}"},
        ) from None


# What openpyxl and the XML parsers under it raise for a file that is not a whole workbook
# (ElementTree's ParseError and lxml's XMLSyntaxError are SyntaxErrors).
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
)
# Excel never writes a document type definition into a package part; in UTF-8 and in UTF-16 (which
# XML parsers also accept), either byte order.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _refuse_doctype(data: bytes) -> None:
    """SpreadsheetRefused if any XML part of the package holds a DOCTYPE or an entity declaration."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # load_workbook refuses it with the general message
    with package:
        for member in package.infolist():
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with package.open(member) as part:
                    tail = b""
                    while chunk := part.read(64 * 1024):
                        if any(marker in tail + chunk for marker in _DTD_MARKERS):
                            raise SpreadsheetRefused(
                                _(
                                    "the workbook's part %(part)s holds a document type definition "
                                    "(DOCTYPE), which Excel never writes; open it in Excel, save it again "
                                    "and upload it again"
                                ),
                                params={"part": member.filename},
                            )
                        tail = chunk[-32:]
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
                return  # a damaged member: load_workbook refuses the file with the general message


def _cell_value(cell: Any) -> Any:
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


def read_csv(data: bytes, encoding: str = "auto") -> tuple[Sheet, str]:
    """A CSV file as one sheet, and the encoding it was read in (see _decode)."""
    text, used = _decode(data, encoding)
    if "\x00" in text:
        # No text of a spreadsheet holds NUL, and PostgreSQL cannot store it: a binary file, not a CSV.
        row = text[: text.index("\x00")].count("\n") + 1
        raise SpreadsheetRefused(
            _("row %(row)s contains a NUL character: this is not a CSV file"), params={"row": row}, row=row
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise SpreadsheetRefused(
            _("row %(row)s: not CSV (%(reason)s)"),
            params={"row": reader.line_num, "reason": str(exc)},
            row=reader.line_num,
        ) from None
    return Sheet("CSV", list(enumerate(lines, start=1))), used


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
            raise _undecodable(data, exc.start, "UTF-8", mixed) from None
    return _strict(data, "cp932", "cp932")


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        return data.decode(codec), name
    except UnicodeDecodeError as exc:
        raise _undecodable(data, exc.start, "Shift_JIS" if codec == "cp932" else "UTF-8", False) from None


def _undecodable(data: bytes, position: int, codec: str, mixed: bool) -> SpreadsheetRefused:
    row = data[:position].count(b"\n") + 1
    hint = _("the file mixes UTF-8 and Shift_JIS") if mixed else _("check the file's encoding")
    return SpreadsheetRefused(
        _("row %(row)s has bytes that are not %(codec)s (%(hint)s)"),
        params={"row": row, "codec": codec, "hint": hint},
        row=row,
    )
