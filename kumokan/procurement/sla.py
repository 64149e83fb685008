"""The SLA of one procurement: the template's rows as the pack gives them, with the city's requirements
filled in, as a page, an Excel workbook and a PDF (Osaka 第3章2.3 SLA(例))."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from weasyprint import HTML

from kumokan.documents.pdf import _FontsOnly, font_urls, printable
from kumokan.documents.printed import Row, both_dates
from kumokan.policy.pack import Phase
from kumokan.procurement.judging import SlaRow, judge_procurement, sla_guidance, sla_rows
from kumokan.procurement.models import Procurement
from kumokan.tenancy.vocabulary import vocabulary


@dataclass(frozen=True)
class SheetRow:
    number: int
    row: SlaRow
    requirement: str
    note: str

    @property
    def clause(self) -> str:
        return str(self.row.item["source"]["clause"])

    @property
    def content(self) -> str:
        """The content cell of a workbook: the English gloss first where there is one, then the seed's words."""
        return f"{self.row.gloss}\n{self.row.content}" if self.row.gloss else self.row.content


@dataclass(frozen=True)
class SlaSheet:
    title: str
    municipality: str
    date: str
    fields: list[Row]
    rows: list[SheetRow]
    guidance: list[dict[str, Any]] = field(default_factory=list)

    @property
    def filename(self) -> str:
        stem = f"{_('SLA')}_{self.fields[0].value}"
        return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in stem)[:120]


def sla_sheet(procurement: Procurement, today: datetime.date) -> SlaSheet:
    """The SLA template's rows for the procurement's facts, each with the requirement filled in (or the template's)."""
    items = judge_procurement(procurement.municipality, procurement.facts)["checklists"][Phase.PROCUREMENT]
    rows = sla_rows(items)
    filled = {r.key: r for r in procurement.sla_requirements.all()}
    return SlaSheet(
        title=_("Service level agreement (SLA)"),
        municipality=procurement.municipality.name,
        date=both_dates(today),
        fields=[
            Row(_("Title of the procurement"), procurement.title),
            Row(_("Department"), procurement.department.name),
            Row(vocabulary(procurement.municipality).service_label(), str(procurement.facts["service_name"])),
        ],
        rows=[
            SheetRow(
                number=number,
                row=row,
                requirement=filled[row.key].requirement if row.key in filled else "",
                note=filled[row.key].note if row.key in filled else "",
            )
            for number, row in enumerate(rows, start=1)
        ],
        guidance=sla_guidance(items, rows),
    )


def _headings() -> list[str]:
    return [
        _("No."),
        _("SLA item"),
        _("Content"),
        _("Measured by"),
        _("Template"),
        _("The city's requirement"),
        _("Remarks"),
        _("Clause"),
    ]


FONT = "游明朝"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def render_sla_xlsx(sheet: SlaSheet) -> bytes:
    """The SLA as one A4 landscape sheet; every value is stored as text, never as a formula."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "SLA"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for column, width in zip("ABCDEFGH", (5, 18, 40, 30, 22, 24, 24, 18), strict=True):
        ws.column_dimensions[column].width = width

    def put(row: int, column: int, value: Any, **style: Any) -> None:
        cell = ws.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cell.font = style.pop("font", Font(name=FONT, size=10))
        for name, setting in style.items():
            setattr(cell, name, setting)

    put(1, 1, sheet.title, font=Font(name=FONT, size=14, bold=True))
    put(1, 8, sheet.date, alignment=Alignment(horizontal="right"))
    line = 2
    for row in sheet.fields:
        put(line, 1, row.label, fill=PatternFill("solid", fgColor="EEEEEE"), border=BOX)
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=2)
        put(line, 3, row.value, border=BOX)
        ws.merge_cells(start_row=line, start_column=3, end_row=line, end_column=8)
        line += 1
    line += 1
    header = line
    for column, text in enumerate(_headings(), start=1):
        put(line, column, text, fill=PatternFill("solid", fgColor="EEEEEE"), border=BOX, alignment=WRAP)
    ws.print_title_rows = f"{header}:{header}"
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    for entry in sheet.rows:
        line += 1
        values = (
            entry.number,
            entry.row.name,
            entry.content,
            entry.row.measure,
            entry.row.template,
            entry.requirement,
            entry.note,
            entry.clause,
        )
        for column, value in enumerate(values, start=1):
            put(line, column, value, border=BOX, alignment=WRAP)
        ws.row_dimensions[line].height = 15 * max(1, -(-len(entry.content) // 20))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_sla_pdf(sheet: SlaSheet) -> bytes:
    """The SLA as an A4 landscape PDF, with the documents app's fonts, page frame and font-only fetcher
    (its render_pdf lays out a PrintedForm by kind, and the SLA's columns are not a checklist's)."""
    html = render_to_string("procurement/print/sla.html", {"form": sheet, "fonts": font_urls()})
    return HTML(string=printable(html), url_fetcher=_FontsOnly()).write_pdf()  # type: ignore[no-any-return]
