"""Imports of the ISMAP cloud service list: read and compared first (a dry run), then committed or discarded.

The certifications it writes go through the same steps as one entered by hand
(kumokan.catalog.actions.certifications).
"""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.actions.certifications import (
    _certification_state,
    _create,
    _date,
    _diff,
    _report_lapse,
    _require_manager,
    _save,
    _settle,
)
from kumokan.catalog.choices import (
    ISMAP_KINDS,
    CertificationKind,
    CertificationSource,
    CertificationStatus,
    ImportStatus,
)
from kumokan.catalog.ismap_list import ListFormatError, ListRow, compare_lists, read_ismap_list
from kumokan.catalog.ismap_matching import ROW_FIELDS, plan_catalog_changes
from kumokan.catalog.models import (
    Certification,
    CloudService,
    IsmapImport,
    Provider,
)
from kumokan.core.actors import Actor, signed_in
from kumokan.errors import ConflictError, WorkflowError, joined
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import in_sentence


@transaction.atomic
def read_ismap_list_dry_run(
    *,
    acting_user: Actor,
    municipality: Municipality,
    kind: str,
    file: IO[bytes],
    file_name: str,
    today: datetime.date | None = None,
) -> IsmapImport:
    """Read an upload of the ISMAP (or ISMAP-LIU) list and report what importing it would change; nothing else changes.

    WorkflowError (code list_format, one detail per problem) if the file cannot be read.
    """
    _require_manager(acting_user, municipality)
    # The import names the person who uploaded the list: kumokan itself keeps the catalogue but uploads none.
    uploader = signed_in(acting_user)
    if kind not in ISMAP_KINDS:
        raise WorkflowError(gettext_lazy("no list of kind %(kind)s"), code="kind", params={"kind": kind})
    today = today or timezone.localdate()
    try:
        rows = read_ismap_list(file)
    except ListFormatError as exc:
        details = tuple(WorkflowError(problem.text, code="list_format") for problem in exc.problems)
        raise WorkflowError(
            gettext_lazy("the list cannot be read: %(reasons)s"),
            code="list_format",
            params={"reasons": joined(d.text for d in details)},
            details=details,
        ) from exc
    previous = _last_committed(municipality, kind)
    previous_rows = [ListRow.from_json(r) for r in previous.rows] if previous else []
    report = {
        "rows": len(rows),
        "list": compare_lists(previous_rows, rows),
        "catalog": plan_catalog_changes(municipality, kind, rows, today),
        "warnings": [
            {
                "number": row.number,
                "listed_expiry": row.listed_expiry.isoformat(),
                "valid_until": row.valid_until.isoformat(),
            }
            for row in rows
            if row.listed_expiry is not None and row.listed_expiry != row.valid_until
        ],
    }
    ismap_import = IsmapImport.objects.create(
        municipality=municipality,
        kind=kind,
        file_name=file_name[:255],
        rows=[row.to_json() for row in rows],
        report=report,
        previous=previous,
        created_by=uploader,
    )
    record(
        acting_user,
        Action.ISMAP_IMPORT_DRY_RUN,
        ismap_import,
        None,
        state_of(ismap_import, "kind", "file_name", "status", "previous") | _counts(report),
    )
    return ismap_import


@transaction.atomic
def commit_ismap_import(
    *, acting_user: Actor, ismap_import: IsmapImport, today: datetime.date | None = None
) -> IsmapImport:
    """Apply exactly what the dry run reported, all or nothing (ConflictError if the catalogue moved since)."""
    today = today or timezone.localdate()
    locked = IsmapImport.objects.select_for_update().get(pk=ismap_import.pk)
    municipality = locked.municipality
    _require_manager(acting_user, municipality)
    committer = signed_in(acting_user)
    if locked.status != ImportStatus.DRY_RUN:
        raise WorkflowError(
            gettext_lazy("this import is already committed or discarded"),
            code="state",
        )
    rows = [ListRow.from_json(r) for r in locked.rows]
    latest = _last_committed(municipality, locked.kind)
    plan = plan_catalog_changes(municipality, locked.kind, rows, today)
    if (latest.pk if latest else None) != locked.previous_id or plan != locked.report["catalog"]:
        raise ConflictError(
            gettext_lazy("the %(service)s catalogue or the imports changed since the dry run: run it again"),
            params=in_sentence(municipality),
        )
    touched = []
    for item in plan["create"]:
        provider = Provider.objects.get(pk=item["provider_id"])
        certification = Certification(
            provider=provider,
            kind=CertificationKind(locked.kind),
            registration_number=item["number"],
            source=CertificationSource.ISMAP_LIST,
            **{field: _date(item[field]) for field in ROW_FIELDS},
        )
        services = list(CloudService.objects.filter(pk__in=item["services"]))
        touched.append(_create(acting_user, certification, services, today, ismap_import=locked))
    for item in plan["update"]:
        certification = Certification.objects.select_for_update().get(pk=item["certification_id"])
        before = _certification_state(certification)
        for field, (_old, new) in item["changes"].items():
            if field != "services":
                setattr(certification, field, _date(new))
        services = (
            list(CloudService.objects.filter(pk__in=item["changes"]["services"][1]))
            if "services" in item["changes"]
            else list(certification.services.all())
        )
        if "audit_period_end" in item["changes"]:
            certification.renewal_applied_on = None
        _settle(certification, services, today)
        _save(certification)
        certification.services.set(services)
        after = _certification_state(certification, services)
        record(
            acting_user,
            Action.CERTIFICATION_EDIT,
            certification,
            _diff(before, after),
            _diff(after, before) | {"ismap_import": locked.pk},
        )
        touched.append(certification)
    for item in plan["end"]:
        certification = Certification.objects.select_for_update().get(pk=item["certification_id"])
        before = _certification_state(certification)
        if item["status"] == CertificationStatus.WITHDRAWN:
            certification.withdrawn_on = today
        certification.status = CertificationStatus(item["status"])
        _save(certification)
        record(
            acting_user,
            Action.CERTIFICATION_WITHDRAW,
            certification,
            before,
            _certification_state(certification)
            | {"ismap_import": locked.pk, "reason": "no longer on the list"},
        )
        touched.append(certification)
    for certification in touched:
        _report_lapse(acting_user, certification, today)
    before = state_of(locked, "status")
    locked.status = ImportStatus.COMMITTED
    locked.committed_by = committer
    locked.committed_at = timezone.now()
    locked.save(update_fields=["status", "committed_by", "committed_at"])
    record(
        acting_user,
        Action.ISMAP_IMPORT_COMMIT,
        locked,
        before,
        state_of(locked, "status") | _counts(locked.report),
    )
    return locked


@transaction.atomic
def discard_ismap_import(*, acting_user: Actor, ismap_import: IsmapImport) -> IsmapImport:
    """Throw away a dry run that is not to be imported."""
    locked = IsmapImport.objects.select_for_update().get(pk=ismap_import.pk)
    _require_manager(acting_user, locked.municipality)
    if locked.status != ImportStatus.DRY_RUN:
        raise WorkflowError(
            gettext_lazy("this import is already committed or discarded"),
            code="state",
        )
    before = state_of(locked, "status")
    locked.status = ImportStatus.DISCARDED
    locked.save(update_fields=["status"])
    record(acting_user, Action.ISMAP_IMPORT_DISCARD, locked, before, state_of(locked, "status"))
    return locked


def _last_committed(municipality: Municipality, kind: str) -> IsmapImport | None:
    return (
        IsmapImport.objects.filter(municipality=municipality, kind=kind, status=ImportStatus.COMMITTED)
        .order_by("-committed_at", "-id")
        .first()
    )


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {
        "rows": report["rows"],
        "added": len(report["list"]["added"]),
        "removed": len(report["list"]["removed"]),
        "validity_changed": len(report["list"]["validity_changed"]),
        "certifications_created": len(report["catalog"]["create"]),
        "certifications_updated": len(report["catalog"]["update"]),
        "certifications_ended": len(report["catalog"]["end"]),
    }
