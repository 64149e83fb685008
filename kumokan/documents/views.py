"""Documents on the web: an application's printed forms, the ledger's export, and the ledger import."""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kumokan.applications.access import application_for
from kumokan.core.actors import SignedInRequest
from kumokan.core.refusals import refusal_as_message, refusal_on_form
from kumokan.documents import actions
from kumokan.documents.choices import FileFormat, ImportStatus
from kumokan.documents.forms import DecisionsForm, ExportForm, LayoutForm, MappingForm, UploadForm
from kumokan.documents.ledger_export import cp932_problems, csv_chunks, export_rows, write_xlsx
from kumokan.documents.ledger_import import Problem
from kumokan.documents.ledger_table import columns_for, import_columns_for
from kumokan.documents.models import LedgerImport
from kumokan.documents.pdf import render_pdf
from kumokan.documents.printed import printed_forms
from kumokan.documents.xlsx_forms import render_xlsx
from kumokan.ledger.access import entries_for
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires
from kumokan.tenancy.vocabulary import vocabulary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@requires(Capability.APPLY, Capability.VIEW_APPLICATIONS)
def application_forms(request: SignedInRequest, pk: int) -> HttpResponse:
    application = application_for(request.user, pk)
    return render(
        request, "documents/forms.html", {"application": application, "forms": printed_forms(application)}
    )


@requires(Capability.APPLY, Capability.VIEW_APPLICATIONS)
def application_form(request: SignedInRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    application = application_for(request.user, pk)
    form = next((f for f in printed_forms(application) if f.number == number), None)
    if form is None:
        raise Http404
    if fmt == "pdf":
        return _download(render_pdf(form), f"{form.filename}.pdf", "application/pdf")
    return _download(render_xlsx(form), f"{form.filename}.xlsx", XLSX)


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    """Content-Disposition with the Japanese file name (RFC 6266 filename*)."""
    return str(content_disposition_header(as_attachment=True, filename=filename))


@requires(Capability.VIEW_LEDGER)
def ledger_export(request: SignedInRequest) -> HttpResponseBase:
    """The export page; with ?format=…, the file itself (only the entries the user may see)."""
    municipalities = municipalities_granting(request.user, Capability.VIEW_LEDGER)
    form = ExportForm(request.GET if "format" in request.GET else None, municipalities=municipalities)
    may_import = bool(_importable(request))
    if not form.is_bound or not form.is_valid():
        return render(request, "documents/export.html", {"form": form, "may_import": may_import})
    municipality: Municipality = form.cleaned_data["municipality"]
    fmt = form.cleaned_data["format"]
    entries = (
        entries_for(request.user)
        .filter(municipality=municipality)
        .select_related("department", "service")
        .order_by("service_name", "function_name", "provider_name", "department__code", "id")
    )
    columns = columns_for(municipality)
    words = vocabulary(municipality)
    stem = _("%(ledger)s_%(slug)s_%(date)s") % {
        "ledger": words.ledger,
        "slug": municipality.slug,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
    if fmt == FileFormat.XLSX:
        # openpyxl writes the sheet to disk row by row and zips it on save; the file is then streamed.
        out = tempfile.TemporaryFile()
        write_xlsx(export_rows(entries, columns), out, sheet_title=words.ledger)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX)
    cp932 = fmt == FileFormat.CSV_CP932
    if cp932:
        problems = cp932_problems(entries, columns)
        if problems:
            context = {"form": form, "unwritable": problems, "may_import": may_import}
            return render(request, "documents/export.html", context, status=422)
    charset = "shift_jis" if cp932 else "utf-8"
    response = StreamingHttpResponse(
        csv_chunks(export_rows(entries, columns), cp932=cp932), content_type=f"text/csv; charset={charset}"
    )
    response["Content-Disposition"] = _attachment(f"{stem}.csv")
    return response


RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def _importable(request: SignedInRequest) -> list[Municipality]:
    return municipalities_granting(request.user, Capability.IMPORT_LEDGER)


@requires(Capability.MANAGE_LEDGER)
def ledger_import(request: SignedInRequest) -> HttpResponse:
    """Upload a ledger file: it is kept and checked (the dry run); nothing enters the ledger yet."""
    municipalities = _importable(request)
    if not municipalities:
        return render(request, "documents/import.html", {"form": None}, status=403)
    form = UploadForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with refusal_on_form(form) as attempt:
            ledger_import = actions.upload(
                acting_user=request.user,
                municipality=form.cleaned_data["municipality"],
                name=upload.name,
                data=upload.read(),
                encoding=form.cleaned_data["encoding"],
            )
        if not attempt.refused:
            return redirect(ledger_import.get_absolute_url())
    imports = LedgerImport.objects.filter(municipality__in=municipalities).select_related("uploaded_by")[:20]
    # The words of the city imported into (the first the user administers, as the form's label).
    context = {"form": form, "imports": imports, "terms": vocabulary(municipalities[0])}
    return render(request, "documents/import.html", context)


def _import_for(request: SignedInRequest, pk: int) -> LedgerImport:
    """An import of a municipality the user administers; 404 for any other."""
    return get_object_or_404(LedgerImport.objects.filter(municipality__in=_importable(request)), pk=pk)


@requires(Capability.MANAGE_LEDGER)
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    ledger_import = _import_for(request, pk)
    report: dict[str, Any] = ledger_import.report
    problems = [Problem.from_dict(p) for p in report.get("problems", [])]
    headers = list(report.get("mapping", {})) + list(report.get("ignored", []))
    mapping_form = MappingForm(
        headers=headers,
        mapping=report.get("mapping", {}),
        columns=import_columns_for(ledger_import.municipality),
    )
    layout_form = LayoutForm(
        sheets=report.get("sheets", []),
        initial={"sheet": ledger_import.sheet, "header_row": ledger_import.header_row},
    )
    decisions_form = DecisionsForm(
        pending=report.get("decisions", {}), municipality=ledger_import.municipality
    )
    return render(
        request,
        "documents/import_detail.html",
        {
            "ledger_import": ledger_import,
            # The words of the import's city (the user may administer several).
            "terms": vocabulary(ledger_import.municipality),
            "report": report,
            "problems": problems,
            "mapping_form": mapping_form,
            "layout_form": layout_form,
            "decisions_form": decisions_form,
            "may_commit": ledger_import.status == ImportStatus.CHECKED,
            "stopped": ledger_import.job_stopped(),
            "stopped_minutes": settings.IMPORT_JOB_STOPPED_MINUTES,
            "running": ledger_import.status in RUNNING and not ledger_import.job_stopped(),
            # Open the mapping when the headers are the problem.
            "mapping_open": any(problem.row == report.get("header_row", 1) for problem in problems),
        },
    )


@require_POST
@requires(Capability.MANAGE_LEDGER)
def import_mapping(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the municipality's column mapping from this file's headers, then check the file again."""
    ledger_import = _import_for(request, pk)
    report = ledger_import.report
    headers = list(report.get("mapping", {})) + list(report.get("ignored", []))
    form = MappingForm(request.POST, headers=headers, columns=import_columns_for(ledger_import.municipality))
    if form.is_valid():
        actions.save_mapping(
            acting_user=request.user, municipality=ledger_import.municipality, columns=form.mapping()
        )
        actions.repeat_dry_run(acting_user=request.user, ledger_import=ledger_import)
        messages.success(request, _("The column mapping was saved and the file checked again."))
    return redirect(ledger_import.get_absolute_url())


@requires(Capability.MANAGE_LEDGER)
def import_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """How far a background job is, for the import's page to poll; once it is done, the page reloads."""
    ledger_import = _import_for(request, pk)
    response = render(request, "documents/import_progress.html", {"ledger_import": ledger_import})
    if ledger_import.status not in RUNNING or ledger_import.job_stopped():
        response["HX-Refresh"] = "true"
    return response


@require_POST
@requires(Capability.MANAGE_LEDGER)
def import_layout(request: SignedInRequest, pk: int) -> HttpResponse:
    """Read the file from the sheet and header row chosen, and check it again."""
    ledger_import = _import_for(request, pk)
    form = LayoutForm(request.POST, sheets=ledger_import.report.get("sheets", []))
    if form.is_valid():
        with refusal_as_message(request) as attempt:
            actions.choose_layout(
                acting_user=request.user,
                ledger_import=ledger_import,
                sheet=form.cleaned_data["sheet"] or "",
                header_row=form.cleaned_data["header_row"],
            )
        if not attempt.refused:
            messages.success(request, _("The file was checked again from the sheet and row chosen."))
    else:
        messages.error(request, _("Choose a sheet of the file and a row number."))
    return redirect(ledger_import.get_absolute_url())


@require_POST
@requires(Capability.MANAGE_LEDGER)
def import_decisions(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save how this municipality's values are read (asked once for all rows), then check the file again."""
    ledger_import = _import_for(request, pk)
    form = DecisionsForm(
        request.POST,
        pending=ledger_import.report.get("decisions", {}),
        municipality=ledger_import.municipality,
    )
    if not form.is_valid():
        messages.error(request, _("Choose how to read each value."))
        return redirect(ledger_import.get_absolute_url())
    with refusal_as_message(request) as attempt:
        actions.save_decisions(
            acting_user=request.user, municipality=ledger_import.municipality, decisions=form.decisions()
        )
    if not attempt.refused:
        actions.repeat_dry_run(acting_user=request.user, ledger_import=ledger_import)
        messages.success(request, _("The decisions were saved and the file checked again."))
    return redirect(ledger_import.get_absolute_url())


@require_POST
@requires(Capability.MANAGE_LEDGER)
def import_retry(request: SignedInRequest, pk: int) -> HttpResponse:
    """Run again a background job that stopped without finishing."""
    ledger_import = _import_for(request, pk)
    with refusal_as_message(request) as attempt:
        actions.retry_job(acting_user=request.user, ledger_import=ledger_import)
    if not attempt.refused:
        messages.success(request, _("The job was started again; this page shows how far it is."))
    return redirect(ledger_import.get_absolute_url())


def _layout_seen(request: SignedInRequest) -> tuple[str, int | None] | None:
    """The sheet and header row of the check the commit button was shown with (hidden fields)."""
    if "sheet" not in request.POST and "header_row" not in request.POST:
        return None
    row = request.POST.get("header_row", "")
    if not row.isdigit():
        # Not a row number: compared as it is, it matches no check and the import is refused.
        return request.POST.get("sheet", ""), -1
    return request.POST.get("sheet", ""), int(row)


@require_POST
@requires(Capability.MANAGE_LEDGER)
def import_commit(request: SignedInRequest, pk: int) -> HttpResponse:
    ledger_import = _import_for(request, pk)
    with refusal_as_message(request) as attempt:
        done = actions.start_import(
            acting_user=request.user, ledger_import=ledger_import, layout=_layout_seen(request)
        )
    if not attempt.refused:
        if done.status == ImportStatus.IMPORTING:
            messages.success(request, _("The import runs in the background; this page shows how far it is."))
            return redirect(ledger_import.get_absolute_url())
        messages.success(
            request,
            _("%(created)d entries were added to the %(ledger)s; %(existing)d were there already.")
            % {
                "created": done.created_count,
                "existing": done.report.get("existing", 0),
                "ledger": vocabulary(ledger_import.municipality).ledger.lower(),
            },
        )
    return redirect(ledger_import.get_absolute_url())
