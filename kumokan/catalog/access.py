"""The catalogue objects a person may reach, fetched *for this user* (kumokan.tenancy.permissions has the table).

The catalogue is kept per municipality: a role granting VIEW_CATALOG anywhere in a municipality reaches
all of its providers; MANAGE_CATALOG lets the person record certifications and import the ISMAP list.
Contractors reach none of it. Anything outside the user's municipalities is 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kumokan.catalog.models import Certification, CertificationEvidence, IsmapImport, Provider
from kumokan.core.actors import is_system
from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting


def catalog_municipalities(user: Any, capability: Capability = Capability.VIEW_CATALOG) -> list[Municipality]:
    return municipalities_granting(user, capability)


def may_manage(user: Any, municipality: Municipality) -> bool:
    """Whether the user may record certifications and import the ISMAP list for this municipality."""
    if is_system(user):
        return True  # kumokan itself: the daily check, `demo`
    return any(m.pk == municipality.pk for m in municipalities_granting(user, Capability.MANAGE_CATALOG))


def providers_for(user: Any) -> QuerySet[Provider]:
    pks = [m.pk for m in catalog_municipalities(user)]
    return Provider.objects.filter(municipality__in=pks).select_related("municipality")


def provider_for(user: Any, pk: int) -> Provider:
    return get_object_or_404(providers_for(user), pk=pk)


def certification_for(user: Any, pk: int) -> Certification:
    pks = [m.pk for m in catalog_municipalities(user)]
    certifications = Certification.objects.filter(provider__municipality__in=pks).select_related(
        "provider", "provider__municipality"
    )
    return get_object_or_404(certifications, pk=pk)


def evidence_for(user: Any, certification_pk: int, pk: int) -> CertificationEvidence:
    certification = certification_for(user, certification_pk)
    return get_object_or_404(CertificationEvidence, certification=certification, pk=pk)


def imports_for(user: Any) -> QuerySet[IsmapImport]:
    pks = [m.pk for m in catalog_municipalities(user, Capability.MANAGE_CATALOG)]
    return IsmapImport.objects.filter(municipality__in=pks).select_related("municipality", "created_by")


def import_for(user: Any, pk: int) -> IsmapImport:
    return get_object_or_404(imports_for(user), pk=pk)
