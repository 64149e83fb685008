"""Factories for the catalogue tests: certifications recorded through the real actions."""

from __future__ import annotations

import datetime
from typing import Any

from kumokan.catalog.actions.certifications import add_certification
from kumokan.catalog.models import Certification, CloudService, Provider
from kumokan.core.actors import SYSTEM


def provider(municipality: Any, name: str = "株式会社クラウド自治") -> Provider:
    return Provider.objects.get_or_create(municipality=municipality, name=name)[0]


def service(
    municipality: Any, name: str, provider_name: str = "株式会社クラウド自治", **fields: Any
) -> CloudService:
    fields.setdefault("service_model", "saas")
    return CloudService.objects.get_or_create(
        provider=provider(municipality, provider_name), name=name, defaults=fields
    )[0]


def ismap(
    municipality: Any,
    *,
    audit_period_end: datetime.date,
    number: str = "C21-0005-2",
    services: tuple[CloudService, ...] = (),
    provider_name: str = "株式会社クラウド自治",
    today: datetime.date | None = None,
) -> Certification:
    """An ISMAP registration of the provider, recorded by kumokan itself."""
    return add_certification(
        acting_user=SYSTEM,
        provider=provider(municipality, provider_name),
        kind="ISMAP",
        registration_number=number,
        audit_period_end=audit_period_end,
        services=services,
        today=today,
    )
