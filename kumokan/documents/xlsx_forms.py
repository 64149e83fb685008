"""Printed forms as Excel workbooks, for cities that keep and stamp their forms in Excel.

One layout per form kind, as for the PDF; the cell text is always stored as text, never as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kumokan.applications.choices import Answer
from kumokan.documents.choices import FormKind
from kumokan.documents.printed import PrintedForm, Signatory

FONT = "游明朝"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="EEEEEE")
GROUP_FILL = PatternFill("solid", fgColor="F6F6F6")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def render_xlsx(form: PrintedForm) -> bytes:
    """The form as an .xlsx workbook of one A4 sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _sheet_title(form.form_id or form.title)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P / &N"
    if form.kind == FormKind.APPLICATION_AND_PERMIT:
        _application(sheet, form)
    else:
        _checklist(sheet, form)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _Writer:
    """Writes rows top to bottom over columns A–D (application) or A–E (checklists)."""

    def __init__(self, sheet: Worksheet, width: int) -> None:
        self.sheet = sheet
        self.width = width
        self.row = 1

    def put(self, column: int, value: Any, **style: Any) -> Cell:
        cell = self.sheet.cell(row=self.row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # a value beginning with = stays text
        cell.font = style.pop("font", Font(name=FONT, size=10))
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def merge(self, first: int, last: int) -> None:
        if last > first:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)

    def line(self, text: str, *, align: str = "left", size: int = 10, bold: bool = False) -> None:
        self.put(
            1,
            text,
            font=Font(name=FONT, size=size, bold=bold),
            alignment=Alignment(horizontal=align, wrap_text=True),
        )
        self.merge(1, self.width)
        self.row += 1

    def label_value(self, label: str, value: str, *, lines: int = 1) -> None:
        self.put(1, label, fill=LABEL_FILL, border=BOX, alignment=WRAP)
        self.merge(1, 2)
        self.put(3, value, border=BOX, alignment=WRAP)
        for column in range(2, self.width + 1):
            self.sheet.cell(row=self.row, column=column).border = BOX
        self.merge(3, self.width)
        self.sheet.row_dimensions[self.row].height = max(18, 15 * lines)
        self.row += 1

    def blank(self) -> None:
        self.row += 1


def _lines(text: str, width: int) -> int:
    """A row height estimate: wrapped lines of full-width text in a column of `width` characters."""
    return sum(max(1, -(-len(part) // width)) for part in (text or "").split("\n"))


def _application(sheet: Worksheet, form: PrintedForm) -> None:
    for column, width in zip("ABCD", (14, 12, 46, 18), strict=True):
        sheet.column_dimensions[column].width = width
    w = _Writer(sheet, 4)
    w.put(1, form.form_id)
    w.put(4, form.date, alignment=Alignment(horizontal="right"))
    w.merge(3, 4)
    w.row += 1
    w.line(form.title, align="center", size=14, bold=True)
    w.blank()
    if form.addressee:
        w.line(_("(To) %(title)s") % {"title": form.addressee})
    _signature(w, _("Applicant"), form.applicant)
    w.line(_("We apply to use the following %(service)s.") % {"service": form.service_word})
    for row in form.fields:
        w.label_value(row.label, row.value, lines=_lines(row.value, 30))
    if form.attachments:
        w.label_value(_("Attachments"), "、".join(form.attachments))
    if form.findings:
        w.blank()
        w.line(_("Findings of the judgment"), bold=True)
        for row in form.findings:
            w.label_value(row.label, row.value, lines=_lines(row.value, 30))
    w.blank()
    w.line(_("Permit"), bold=True)
    w.line(_("The above application is decided as follows."))
    decision = form.decision
    if decision is None:
        outcome = f"□ {_('Permitted')}　□ {_('Not permitted')}"
    elif decision.approved:
        outcome = f"■ {_('Permitted')}　□ {_('Not permitted')}"
    else:
        outcome = f"□ {_('Permitted')}　■ {_('Not permitted')}"
    w.label_value(_("Decision"), outcome)
    w.label_value(_("Date of decision"), decision.approver.date if decision else "")
    reason = decision.reason if decision else ""
    if decision and decision.self_approval:
        reason = "\n".join(
            filter(None, [reason, _("Approved by the applicant, as the rules provide for this track.")])
        )
    w.label_value(_("Reason and conditions"), reason, lines=max(2, _lines(reason, 30)))
    if form.service_manager:
        w.label_value(form.service_manager.label, form.service_manager.value)
    approver = decision.approver if decision else Signatory(title=form.addressee)
    _signature(w, _("Approver"), approver)


def _signature(w: _Writer, caption: str, person: Signatory) -> None:
    """Caption, department / title / name, and a seal box (印) spanning the three rows."""
    top = w.row
    for label, value in (
        (_("Department"), person.department),
        (_("Title"), person.title),
        (_("Full name"), person.name),
    ):
        w.put(2, label, fill=LABEL_FILL, border=BOX, alignment=WRAP)
        w.put(3, value, border=BOX, alignment=WRAP)
        w.sheet.row_dimensions[w.row].height = 20
        w.row += 1
    w.sheet.cell(row=top, column=1).value = caption
    w.sheet.cell(row=top, column=1).font = Font(name=FONT, size=10)
    w.sheet.cell(row=top, column=1).alignment = CENTRE
    w.sheet.merge_cells(start_row=top, start_column=1, end_row=w.row - 1, end_column=1)
    seal = w.sheet.cell(row=top, column=4)
    seal.value = _("Seal")
    seal.font = Font(name=FONT, size=10, color="999999")
    seal.alignment = CENTRE
    w.sheet.merge_cells(start_row=top, start_column=4, end_row=w.row - 1, end_column=4)
    for row in range(top, w.row):
        for column in (1, 4):
            w.sheet.cell(row=row, column=column).border = BOX
    w.blank()


def _checklist(sheet: Worksheet, form: PrintedForm) -> None:
    for column, width in zip("ABCDE", (5, 60, 12, 10, 36), strict=True):
        sheet.column_dimensions[column].width = width
    w = _Writer(sheet, 5)
    w.put(1, form.form_id)
    w.merge(1, 2)
    w.put(5, form.date, alignment=Alignment(horizontal="right"))
    w.row += 1
    w.line(form.title, align="center", size=14, bold=True)
    w.blank()
    for row in form.fields:
        w.label_value(row.label, row.value)
    w.blank()
    heading = _("Requirement") if form.kind == FormKind.REQUIREMENT_SHEET else _("Checklist item")
    header_row = w.row
    for column, text in enumerate(
        (_("No."), heading, _("Clause"), _("Answer"), _("Explanation and evidence")), start=1
    ):
        w.put(column, text, fill=LABEL_FILL, border=BOX, alignment=CENTRE)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    w.row += 1
    first_item = w.row
    for section in form.sections:
        w.put(1, section.title, font=Font(name=FONT, size=10, bold=True), fill=GROUP_FILL, border=BOX)
        w.merge(1, 5)
        w.row += 1
        group = ""
        for item in section.items:
            if item.group and item.group != group:
                w.put(1, item.group, fill=GROUP_FILL, border=BOX)
                w.merge(1, 5)
                w.row += 1
            group = item.group
            note = "\n".join(filter(None, [item.note, item.evidence]))
            for column, value in enumerate((item.number, item.text, item.clause, item.answer, note), start=1):
                w.put(column, value, border=BOX, alignment=CENTRE if column in (1, 4) else WRAP)
            w.sheet.row_dimensions[w.row].height = 15 * max(_lines(item.text, 30), _lines(note, 18), 1)
            w.row += 1
    if w.row > first_item:
        # The answer can be chosen in Excel from the same words the web form offers.
        choices = ",".join(str(label) for label in Answer.labels)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"D{first_item}:D{w.row - 1}")
    if form.kind == FormKind.REQUIREMENT_SHEET:
        w.blank()
        w.line(_("We confirm that the service meets the requirements above as answered."))
        _signature_wide(w, _("Submitted by"), form.applicant)
        confirmed = Signatory(title=form.addressee, date=form.decision.approver.date if form.decision else "")
        _signature_wide(w, _("Confirmed by"), confirmed)


def _signature_wide(w: _Writer, caption: str, person: Signatory) -> None:
    """The checklist sheet's signature rows: columns B–C for the person, E for the seal."""
    top = w.row
    rows = [(_("Department"), person.department), (_("Title"), person.title), (_("Full name"), person.name)]
    if person.date:
        rows.append((_("Date"), person.date))
    for label, value in rows:
        w.put(
            2, f"{caption}　{label}" if w.row == top else label, fill=LABEL_FILL, border=BOX, alignment=WRAP
        )
        w.put(3, value, border=BOX, alignment=WRAP)
        w.merge(3, 4)
        w.row += 1
    seal = w.sheet.cell(row=top, column=5)
    seal.value = _("Seal")
    seal.font = Font(name=FONT, size=10, color="999999")
    seal.alignment = CENTRE
    w.sheet.merge_cells(start_row=top, start_column=5, end_row=w.row - 1, end_column=5)
    for row in range(top, w.row):
        w.sheet.cell(row=row, column=5).border = BOX
    w.blank()


def _sheet_title(text: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)
    return cleaned[:31] or "Form"
