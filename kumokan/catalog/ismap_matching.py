"""Which certifications of a municipality's catalogue a reading of the ISMAP list creates, changes and ends.

Providers and services are matched by name as the catalogue compares names (catalog.models.name_key:
NFKC, case-insensitive, spaces collapsed); an ISMAP registration is of one service, so it covers every
catalogue service of that name (each function of it). Rows whose provider or service the catalogue does
not know change nothing: the list holds every registered service, the catalogue only those the city uses.
A registration of this list's kind with a number the list no longer holds ends: expired if past its
validity, otherwise withdrawn.
"""

from __future__ import annotations

import datetime
from typing import Any

from kumokan.catalog.choices import CertificationStatus
from kumokan.catalog.ismap_list import ListRow
from kumokan.catalog.models import Certification, CloudService, Provider, name_key
from kumokan.catalog.validity import status_on
from kumokan.tenancy.models import Municipality

# The certification fields a row of the list sets.
ROW_FIELDS = ("valid_from", "valid_until", "audit_period_start", "audit_period_end")


def plan_catalog_changes(
    municipality: Municipality, kind: str, rows: list[ListRow], today: datetime.date
) -> dict[str, Any]:
    """The changes to the catalogue, as JSON, in a stable order (a commit compares it with the dry run's)."""
    providers = {p.name_key: p for p in Provider.objects.filter(municipality=municipality)}
    services: dict[tuple[int, str], list[CloudService]] = {}
    for service in CloudService.objects.filter(provider__municipality=municipality).order_by("id"):
        services.setdefault((service.provider_id, service.name_key), []).append(service)
    existing = {
        (c.provider_id, c.registration_number): c
        for c in Certification.objects.filter(provider__municipality=municipality, kind=kind)
        .exclude(registration_number="")
        .prefetch_related("services")
    }
    create: list[dict[str, Any]] = []
    update: list[dict[str, Any]] = []
    unknown_service: list[dict[str, Any]] = []
    not_in_catalog = 0
    for row in sorted(rows, key=lambda r: r.number):
        provider = providers.get(name_key(row.provider_name))
        if provider is None:
            not_in_catalog += 1
            continue
        matched = services.get((provider.pk, name_key(row.service_name)), [])
        if not matched:
            unknown_service.append(
                {"number": row.number, "provider": provider.name, "service_name": row.service_name}
            )
            continue
        wanted = _row_values(row) | {"services": sorted(s.pk for s in matched)}
        current = existing.get((provider.pk, row.number))
        if current is None:
            create.append(
                {"number": row.number, "provider_id": provider.pk, "provider": provider.name}
                | {"service_names": [str(s) for s in matched]}
                | wanted
            )
            continue
        changes = _changes(current, wanted)
        if changes:
            update.append(
                {
                    "certification_id": current.pk,
                    "number": row.number,
                    "provider": provider.name,
                    "changes": changes,
                }
            )
    numbers = {row.number for row in rows}
    names = {p.pk: p.name for p in providers.values()}
    end = [
        {
            "certification_id": c.pk,
            "number": c.registration_number,
            "provider": names[c.provider_id],
            "status": _ended_status(c, today).value,
        }
        for c in sorted(existing.values(), key=lambda c: (c.registration_number, c.pk))
        if c.registration_number not in numbers
        and c.status not in (CertificationStatus.WITHDRAWN, CertificationStatus.EXPIRED)
    ]
    return {
        "create": create,
        "update": update,
        "end": end,
        "unknown_service": unknown_service,
        "not_in_catalog": not_in_catalog,
    }


def _row_values(row: ListRow) -> dict[str, Any]:
    return {
        "valid_from": row.registered_on.isoformat() if row.registered_on else None,
        "valid_until": row.valid_until.isoformat(),
        "audit_period_start": row.audit_period_start.isoformat() if row.audit_period_start else None,
        "audit_period_end": row.audit_period_end.isoformat() if row.audit_period_end else None,
    }


def _changes(current: Certification, wanted: dict[str, Any]) -> dict[str, list[Any]]:
    """field → [before, after] for what the row changes (a withdrawn registration listed again is restored)."""
    changes: dict[str, list[Any]] = {}
    for field in ROW_FIELDS:
        value = getattr(current, field)
        before = value.isoformat() if value else None
        # A column the list leaves empty keeps what the catalogue knows.
        if wanted[field] is not None and before != wanted[field]:
            changes[field] = [before, wanted[field]]
    before_services = sorted(s.pk for s in current.services.all())
    if before_services != wanted["services"]:
        changes["services"] = [before_services, wanted["services"]]
    if current.withdrawn_on is not None:
        changes["withdrawn_on"] = [current.withdrawn_on.isoformat(), None]
    return changes


def _ended_status(certification: Certification, today: datetime.date) -> CertificationStatus:
    if status_on(certification, today) == CertificationStatus.EXPIRED:
        return CertificationStatus.EXPIRED
    return CertificationStatus.WITHDRAWN
