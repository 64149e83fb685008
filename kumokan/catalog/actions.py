"""Every change of a municipality's catalogue: providers and services, certifications and their evidence,
and imports of the ISMAP cloud service list.

`acting_user=SYSTEM` is kumokan itself (the daily check, `demo`); a person must hold a role granting
MANAGE_CATALOG in the municipality (catalog.access.may_manage).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.access import may_manage
from kumokan.catalog.choices import (
    ISMAP_KINDS,
    CertificationKind,
    CertificationSource,
    CertificationStatus,
    ImportStatus,
    ServiceModel,
)
from kumokan.catalog.ismap_list import ListFormatError, ListRow, compare_lists, read_ismap_list
from kumokan.catalog.ismap_matching import ROW_FIELDS, plan_catalog_changes
from kumokan.catalog.models import (
    Certification,
    CertificationEvidence,
    CloudService,
    IsmapImport,
    Provider,
    name_key,
)
from kumokan.catalog.signals import certification_lapsed
from kumokan.catalog.validity import ismap_valid_until, lapsing, status_on
from kumokan.core.actors import Actor, person
from kumokan.core.spreadsheet import normalise
from kumokan.errors import ConflictError, WorkflowError, in_both, joined
from kumokan.tenancy.models import Municipality


def find_or_register_service(
    *,
    acting_user: Actor,
    municipality: Any,
    provider_name: str,
    service_name: str,
    function_name: str = "",
    service_model: str,
) -> CloudService:
    """The catalogue's service for these names (compared width- and case-insensitively), added if new.

    Runs inside the calling action's transaction, which has checked the acting user's rights.
    An existing service keeps its recorded service model.
    """
    provider = Provider.objects.filter(municipality=municipality, name_key=name_key(provider_name)).first()
    if provider is None:
        provider = Provider.objects.create(municipality=municipality, name=provider_name.strip())
        record(acting_user, Action.PROVIDER_CREATE, provider, None, state_of(provider, "name"))
    service = CloudService.objects.filter(
        provider=provider, name_key=name_key(service_name), function_key=name_key(function_name)
    ).first()
    if service is None:
        service = CloudService.objects.create(
            provider=provider,
            name=service_name.strip(),
            function_name=function_name.strip(),
            service_model=ServiceModel(service_model),
        )
        record(
            acting_user,
            Action.SERVICE_CREATE,
            service,
            None,
            state_of(service, "provider", "name", "function_name", "service_model"),
            municipality=municipality,
        )
    return service


# ── certifications ──────────────────────────────────────────────────────────

# What the audit trail keeps of a certification (its services are added as ids).
_CERTIFICATION_FIELDS = (
    "provider",
    "kind",
    "registration_number",
    "valid_from",
    "valid_until",
    "audit_period_start",
    "audit_period_end",
    "report_period_start",
    "report_period_end",
    "renewal_applied_on",
    "withdrawn_on",
    "status",
    "source",
    "notes",
)
# What edit_certification may change.
EDITABLE_FIELDS = (
    "registration_number",
    "valid_from",
    "valid_until",
    "audit_period_start",
    "audit_period_end",
    "report_period_start",
    "report_period_end",
    "notes",
    "services",
)
_PERIODS = (
    ("valid_from", "valid_until"),
    ("audit_period_start", "audit_period_end"),
    ("report_period_start", "report_period_end"),
)


@transaction.atomic
def add_certification(
    *,
    acting_user: Actor,
    provider: Provider,
    kind: str,
    registration_number: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    audit_period_start: datetime.date | None = None,
    audit_period_end: datetime.date | None = None,
    report_period_start: datetime.date | None = None,
    report_period_end: datetime.date | None = None,
    services: Iterable[CloudService] = (),
    notes: str = "",
    today: datetime.date | None = None,
) -> Certification:
    """Record a certification of a provider; an ISMAP registration's validity follows from its audit period."""
    _require_manager(acting_user, provider.municipality)
    if kind not in CertificationKind.values:
        raise WorkflowError(gettext_lazy("unknown kind %(kind)s"), code="kind", params={"kind": kind})
    certification = Certification(
        provider=provider,
        kind=CertificationKind(kind),
        registration_number=normalise(registration_number),
        valid_from=valid_from,
        valid_until=valid_until,
        audit_period_start=audit_period_start,
        audit_period_end=audit_period_end,
        report_period_start=report_period_start,
        report_period_end=report_period_end,
        notes=notes.strip(),
    )
    return _create(acting_user, certification, list(services), today or timezone.localdate())


@transaction.atomic
def edit_certification(
    *,
    acting_user: Actor,
    certification: Certification,
    changes: dict[str, Any],
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Certification:
    """Change a certification (any of EDITABLE_FIELDS; `services` is a list of the provider's services).

    A new audit period of an ISMAP registration is its renewal: the pending renewal is settled, and a
    registration in force again may lapse (and open re-checks) again later.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise WorkflowError(
            gettext_lazy("these fields cannot be edited: %(names)s"),
            code="field",
            params={"names": names},
        )
    today = today or timezone.localdate()
    locked = _lock(certification, expected_version)
    _require_manager(acting_user, locked.provider.municipality)
    before = _certification_state(locked)
    for name, value in changes.items():
        if name == "services":
            continue
        setattr(locked, name, normalise(value) if name == "registration_number" else value)
    if "notes" in changes:
        locked.notes = (changes["notes"] or "").strip()
    if locked.audit_period_end != _date(before["audit_period_end"]):
        locked.renewal_applied_on = None
    services = list(changes["services"]) if "services" in changes else list(locked.services.all())
    _settle(locked, services, today, given_valid_until="valid_until" in changes)
    after = _certification_state(locked, services)
    if after == before:
        raise WorkflowError(
            gettext_lazy("nothing was changed"),
            code="unchanged",
        )
    _save(locked)
    locked.services.set(services)
    record(acting_user, Action.CERTIFICATION_EDIT, locked, _diff(before, after), _diff(after, before))
    return locked


@transaction.atomic
def apply_for_renewal(
    *,
    acting_user: Actor,
    certification: Certification,
    applied_on: datetime.date,
    today: datetime.date | None = None,
) -> Certification:
    """Record that an ISMAP registration's renewal was applied for: it stays valid until the decision.

    ISMAP 基本規程 3.5: the renewal must be applied for by the expiry to keep the registration valid.
    """
    today = today or timezone.localdate()
    locked = _lock(certification, None)
    _require_manager(acting_user, locked.provider.municipality)
    if locked.kind not in ISMAP_KINDS:
        raise WorkflowError(
            gettext_lazy("only an ISMAP or ISMAP-LIU registration stays valid while its renewal is pending"),
            code="not_ismap",
        )
    if locked.status == CertificationStatus.WITHDRAWN:
        raise WorkflowError(
            gettext_lazy("the registration is withdrawn"),
            code="withdrawn",
        )
    if applied_on > today:
        raise WorkflowError(
            gettext_lazy("the renewal was applied for in the future"),
            code="date",
        )
    if locked.valid_until is not None and applied_on > locked.valid_until:
        raise WorkflowError(
            gettext_lazy(
                "a renewal applied for after the expiry (%(date)s) does not keep the registration valid"
            ),
            code="renewal_too_late",
            params={"date": locked.valid_until.isoformat()},
        )
    before = _certification_state(locked)
    locked.renewal_applied_on = applied_on
    _settle(locked, list(locked.services.all()), today)
    _save(locked)
    record(acting_user, Action.CERTIFICATION_RENEWAL, locked, before, _certification_state(locked))
    return locked


@transaction.atomic
def withdraw_certification(
    *,
    acting_user: Actor,
    certification: Certification,
    withdrawn_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> Certification:
    """Record that a certification was withdrawn (取消し); every service approved on it is re-checked."""
    today = today or timezone.localdate()
    locked = _lock(certification, None)
    _require_manager(acting_user, locked.provider.municipality)
    if locked.status == CertificationStatus.WITHDRAWN:
        raise WorkflowError(
            gettext_lazy("the certification is already withdrawn"),
            code="withdrawn",
        )
    reason = reason.strip()
    if not reason:
        raise WorkflowError(
            gettext_lazy("give the reason"),
            code="reason_required",
        )
    if withdrawn_on > today:
        raise WorkflowError(
            gettext_lazy("the withdrawal is in the future"),
            code="date",
        )
    before = _certification_state(locked)
    locked.withdrawn_on = withdrawn_on
    locked.status = CertificationStatus.WITHDRAWN
    _save(locked)
    record(
        acting_user,
        Action.CERTIFICATION_WITHDRAW,
        locked,
        before,
        _certification_state(locked) | {"reason": reason},
    )
    _report_lapse(acting_user, locked, today)
    return locked


@transaction.atomic
def add_certification_evidence(
    *, acting_user: Actor, certification: Certification, file: File[Any]
) -> CertificationEvidence:
    """Keep a file proving the certification (a certificate, the list's page, an audit report)."""
    locked = _lock(certification, None)
    _require_manager(acting_user, locked.provider.municipality)
    name = (file.name or "evidence").rsplit("/", 1)[-1][:255]
    evidence = CertificationEvidence(certification=locked, file_name=name, uploaded_by=person(acting_user))
    evidence.file.save(name, file, save=False)
    evidence.save()
    record(
        acting_user,
        Action.CERTIFICATION_EVIDENCE,
        locked,
        None,
        {"evidence": evidence.pk, "file_name": name, "file": evidence.file.name},
    )
    return evidence


def refresh_certification(certification: Certification, *, today: datetime.date) -> bool:
    """Bring the stored status in line with the dates (the daily check); True if it changed."""
    with transaction.atomic():
        locked = Certification.objects.select_for_update().get(pk=certification.pk)
        status = status_on(locked, today)
        if status == locked.status:
            return False
        before = state_of(locked, "status")
        locked.status = status
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "updated_at"])
        record(
            None,
            Action.CERTIFICATION_STATUS,
            locked,
            before,
            state_of(locked, "status"),
            municipality=locked.municipality,
        )
        return True


def report_lapse(certification: Certification, *, today: datetime.date) -> list[Any]:
    """Open the re-checks of a lapsing certification's services once (the daily check)."""
    with transaction.atomic():
        locked = Certification.objects.select_for_update().get(pk=certification.pk)
        return _report_lapse(None, locked, today)


def unreported_lapses(on: datetime.date) -> list[Certification]:
    """Certifications lapsing on `on` whose re-checks have not been opened yet."""
    candidates = Certification.objects.filter(lapse_reported_at__isnull=True).select_related("provider")
    return [certification for certification in candidates.order_by("id") if lapsing(certification, on)]


# ── the ISMAP cloud service list ────────────────────────────────────────────


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
    if kind not in ISMAP_KINDS:
        raise WorkflowError(gettext_lazy("no list of kind %(kind)s"), code="kind", params={"kind": kind})
    today = today or timezone.localdate()
    try:
        rows = read_ismap_list(file)
    except ListFormatError as exc:
        # The list reader's problems come in both languages (kumokan.core.spreadsheet's shape).
        details = tuple(WorkflowError(in_both(ja, en), code="list_format") for ja, en in exc.problems)
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
        created_by=person(acting_user),
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
            gettext_lazy("the catalogue or the imports changed since the dry run: run it again"),
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
    locked.committed_by = person(acting_user)
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


# ── helpers ─────────────────────────────────────────────────────────────────


def _require_manager(acting_user: Actor, municipality: Municipality) -> None:
    if not may_manage(acting_user, municipality):
        raise PermissionDenied(_("Only those who keep the service catalogue may do this."))


def _lock(certification: Certification, expected_version: int | None) -> Certification:
    locked = (
        Certification.objects.select_for_update()
        .select_related("provider__municipality")
        .get(pk=certification.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            gettext_lazy(
                "the certification was changed by someone else (version %(expected_version)s → "
                "%(version)s); reload"
            ),
            params={"expected_version": expected_version, "version": locked.version},
        )
    return locked


def _create(
    acting_user: Actor,
    certification: Certification,
    services: list[CloudService],
    today: datetime.date,
    *,
    ismap_import: IsmapImport | None = None,
) -> Certification:
    _settle(certification, services, today, given_valid_until=certification.valid_until is not None)
    if (
        certification.registration_number
        and Certification.objects.filter(
            provider=certification.provider,
            kind=certification.kind,
            registration_number=certification.registration_number,
        ).exists()
    ):
        raise WorkflowError(
            gettext_lazy("%(provider)s already has %(kind)s %(number)s"),
            code="duplicate",
            params={
                "provider": certification.provider,
                "kind": CertificationKind(certification.kind).label,
                "number": certification.registration_number,
            },
        )
    certification.updated_at = certification.created_at = timezone.now()
    certification.save()
    certification.services.set(services)
    after = _certification_state(certification, services)
    if ismap_import is not None:
        after["ismap_import"] = ismap_import.pk
    record(acting_user, Action.CERTIFICATION_ADD, certification, None, after)
    return certification


def _settle(
    certification: Certification,
    services: list[CloudService],
    today: datetime.date,
    *,
    given_valid_until: bool = False,
) -> None:
    """Check a certification's fields together, derive its ISMAP validity and status (WorkflowError if wrong)."""
    kind = certification.kind
    if kind not in ISMAP_KINDS and (
        certification.audit_period_start or certification.audit_period_end or certification.renewal_applied_on
    ):
        raise WorkflowError(
            gettext_lazy("only an ISMAP or ISMAP-LIU registration has an audit period and a renewal"),
            code="audit_period_not_ismap",
        )
    if kind != CertificationKind.SOC2 and (
        certification.report_period_start or certification.report_period_end
    ):
        raise WorkflowError(
            gettext_lazy("only a SOC 2 report has a report period"),
            code="report_period",
        )
    for start, end in _PERIODS:
        first, last = getattr(certification, start), getattr(certification, end)
        if first and last and last < first:
            raise WorkflowError(
                gettext_lazy("%(end)s is before %(start)s"),
                code="period",
                params={
                    "end": Certification._meta.get_field(end).verbose_name,
                    "start": Certification._meta.get_field(start).verbose_name,
                },
            )
    if kind in ISMAP_KINDS and certification.audit_period_end is not None:
        by_rule = ismap_valid_until(certification.audit_period_end)
        if given_valid_until and certification.valid_until not in (None, by_rule):
            raise WorkflowError(
                gettext_lazy(
                    "an ISMAP registration is valid until %(date)s by its audit period (ISMAP basic rules 3.5)"
                ),
                code="valid_until_by_rule",
                params={"date": by_rule.isoformat()},
            )
        certification.valid_until = by_rule
    for service in services:
        if service.provider_id != certification.provider_id:
            raise WorkflowError(
                gettext_lazy("%(service)s is not a service of %(provider)s"),
                code="service",
                params={"service": service, "provider": certification.provider},
            )
    certification.status = status_on(certification, today)
    if certification.lapse_reported_at is not None and not lapsing(certification, today):
        # In force again (renewed): a later lapse opens re-checks again.
        certification.lapse_reported_at = None


def _report_lapse(acting_user: Actor, locked: Certification, today: datetime.date) -> list[Any]:
    if locked.lapse_reported_at is not None or not lapsing(locked, today):
        return []
    responses = certification_lapsed.send(
        sender=Certification, certification=locked, today=today, acting_user=acting_user
    )
    rechecks = [recheck for _receiver, opened in responses for recheck in opened]
    locked.lapse_reported_at = timezone.now()
    locked.save(update_fields=["lapse_reported_at"])
    record(
        acting_user,
        Action.CERTIFICATION_LAPSE,
        locked,
        None,
        state_of(locked, "status", "valid_until", "withdrawn_on")
        | {"rechecks": [r.pk for r in rechecks], "entries": [r.entry_id for r in rechecks]},
        municipality=locked.municipality,
    )
    return rechecks


def _save(certification: Certification) -> None:
    certification.version += 1
    certification.updated_at = timezone.now()
    certification.save()


def _certification_state(
    certification: Certification, services: list[CloudService] | None = None
) -> dict[str, Any]:
    if services is None:
        services = list(certification.services.all()) if certification.pk else []
    return state_of(certification, *_CERTIFICATION_FIELDS) | {"services": sorted(s.pk for s in services)}


def _diff(one: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in one.items() if other.get(key) != value}


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


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
