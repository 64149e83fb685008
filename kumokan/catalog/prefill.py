"""What the catalogue fills in on a new application: the service, its provider and their certifications.

Every application for a provider reuses the certifications recorded once in the catalogue: those in force
today that cover the service become the application's `certifications` fact (the applicant may change it).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from kumokan.catalog.choices import CertificationKind
from kumokan.catalog.models import CloudService, Provider
from kumokan.catalog.validity import in_force_on


def certifications_in_force(
    provider: Provider, service: CloudService | None = None, on: datetime.date | None = None
) -> list[str]:
    """The kinds (facts' `certifications` values) in force on `on` that cover `service` (the whole provider if None)."""
    on = on or timezone.localdate()
    kinds = set()
    for certification in provider.certifications.prefetch_related("services"):
        covered = {s.pk for s in certification.services.all()}
        if covered and (service is None or service.pk not in covered):
            continue
        if in_force_on(certification, on):
            kinds.add(certification.kind)
    return [kind.value for kind in CertificationKind if kind in kinds]


def application_initial(municipality: Any, query: Mapping[str, str]) -> dict[str, Any]:
    """The new-application form's initial values for `?service=<id>` or `?provider=<id>` of this municipality."""
    service = _pk(query.get("service"))
    if service is not None:
        found = (
            CloudService.objects.filter(pk=service, provider__municipality=municipality)
            .select_related("provider")
            .first()
        )
        if found is not None:
            return {
                "service_name": found.name,
                "provider": found.provider.name,
                "function_name": found.function_name,
                "service_model": found.service_model,
                "certifications": certifications_in_force(found.provider, found),
            }
    provider = _pk(query.get("provider"))
    if provider is not None:
        known = Provider.objects.filter(pk=provider, municipality=municipality).first()
        if known is not None:
            return {"provider": known.name, "certifications": certifications_in_force(known)}
    return {}


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
