"""The auditor's export of a municipality's audit trail, as CSV or JSON, with each record's hashes.

The page is here, not in kumokan.audit: the trail is ground that tenancy's actions write to, while the
page asks kumokan.tenancy.permissions, which sits above tenancy."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kumokan.audit.actions import record_export
from kumokan.audit.chain import as_csv, as_json, export_rows
from kumokan.audit.models import AuditEvent
from kumokan.tenancy.permissions import Capability, municipalities_granting, requires

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@requires(Capability.EXPORT_AUDIT)
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    municipalities = municipalities_granting(request.user, Capability.EXPORT_AUDIT)
    export_format = request.GET.get("format")
    if export_format not in CONTENT_TYPES:
        return render(request, "audit/export.html", {"municipalities": municipalities})
    slug = request.GET.get("municipality", "")
    municipality = next((m for m in municipalities if m.slug == slug), None)
    if municipality is None:
        raise Http404
    # The records as they stand now; the export's own record goes into the next export.
    newest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events = AuditEvent.objects.filter(municipality=municipality, id__lte=newest)
    record_export(request.user, municipality, export_format, events.count())
    chunks = (as_csv if export_format == "csv" else as_json)(export_rows(events))
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[export_format])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{municipality.slug}-{stamp}.{export_format}"'
    )
    return response
