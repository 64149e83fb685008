"""Certifications of a provider (ISMAP and others), their evidence, renewal, withdrawal and lapse."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.access import may_manage
from kumokan.catalog.choices import (
    ISMAP_KINDS,
    CertificationKind,
    CertificationStatus,
)
from kumokan.catalog.models import (
    Certification,
    CertificationEvidence,
    CloudService,
    IsmapImport,
    Provider,
)
from kumokan.catalog.signals import certification_lapsed
from kumokan.catalog.validity import ismap_valid_until, lapsing, status_on
from kumokan.core.actors import SYSTEM, Actor, person
from kumokan.core.private_files import keep
from kumokan.core.spreadsheet import normalise
from kumokan.errors import WorkflowError, check_version
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.vocabulary import in_sentence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    evidence = CertificationEvidence(certification=locked, uploaded_by=person(acting_user))
    evidence.file_name = keep(evidence.file, file, default="evidence")
    evidence.save()
    record(
        acting_user,
        Action.CERTIFICATION_EVIDENCE,
        locked,
        None,
        {"evidence": evidence.pk, "file_name": evidence.file_name, "file": evidence.file.name},
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
        return _report_lapse(SYSTEM, locked, today)


def unreported_lapses(on: datetime.date) -> list[Certification]:
    """Certifications lapsing on `on` whose re-checks have not been opened yet."""
    candidates = Certification.objects.filter(lapse_reported_at__isnull=True).select_related("provider")
    return [certification for certification in candidates.order_by("id") if lapsing(certification, on)]


def _require_manager(acting_user: Actor, municipality: Municipality) -> None:
    if not may_manage(acting_user, municipality):
        raise PermissionDenied(
            _("Only those who keep the %(service)s catalogue may do this.") % in_sentence(municipality)
        )


def _lock(certification: Certification, expected_version: int | None) -> Certification:
    locked = (
        Certification.objects.select_for_update()
        .select_related("provider__municipality")
        .get(pk=certification.pk)
    )
    check_version(gettext_lazy("certification"), locked.version, expected_version)
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
                    "end": _label(end),
                    "start": _label(start),
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


def _label(name: str) -> StrOrPromise:
    """The (translated) label of one of a certification's own fields."""
    field = Certification._meta.get_field(name)
    assert isinstance(field, Field), name  # a column, never a relation's other side
    return field.verbose_name


def _report_lapse(acting_user: Actor, locked: Certification, today: datetime.date) -> list[Any]:
    if locked.lapse_reported_at is not None or not lapsing(locked, today):
        return []
    # The receivers return the re-checks they opened (kumokan.lifecycle.lapses, a layer above that this
    # one cannot name); django-stubs types every receiver's answer as str | None.
    responses: list[tuple[Any, list[Any]]] = certification_lapsed.send(  # type: ignore[assignment]
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
