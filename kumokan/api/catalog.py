"""Providers and their cloud services, as each municipality's catalogue holds them (read only)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from kumokan.api.auth import requires
from kumokan.api.inputs import Id, Text
from kumokan.api.pages import Page, Paging, paginate
from kumokan.api.schemas import errors
from kumokan.catalog.access import provider_for, providers_for
from kumokan.catalog.models import Certification, CloudService, Provider, name_key
from kumokan.core.actors import SignedInRequest
from kumokan.tenancy.permissions import Capability

router = Router(tags=["catalog"])

ServiceModelValue = Literal["saas", "paas", "iaas", "web_conference", "sns", "other"]


class CertificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    registration_number: str
    status: str
    status_label: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    audit_period_end: datetime.date | None
    services: list[int] = Field(description="The services it covers; empty: every service of the provider.")


class ServiceOut(Schema):
    id: int
    municipality: str
    provider_id: int
    provider_name: str
    name: str
    function_name: str
    service_model: ServiceModelValue
    service_model_label: str


class ProviderOut(Schema):
    id: int
    municipality: str
    name: str


class ProviderDetail(ProviderOut):
    services: list[ServiceOut]
    certifications: list[CertificationOut]


class ServiceDetail(ServiceOut):
    certifications: list[CertificationOut] = Field(description="The provider's certifications that cover it.")


class CatalogFilters(Paging):
    q: Text = Field("", max_length=200, description="Part of the name (full/half width and case ignored).")
    municipality: Text | None = Field(None, max_length=50, description="A municipality's slug.")


class ServiceFilters(CatalogFilters):
    provider: Id | None = Field(None, description="A provider's id.")
    service_model: ServiceModelValue | None = None


def _provider(provider: Provider) -> dict[str, Any]:
    return {"id": provider.pk, "municipality": provider.municipality.slug, "name": provider.name}


def _service(service: CloudService) -> dict[str, Any]:
    provider = service.provider
    return {
        "id": service.pk,
        "municipality": provider.municipality.slug,
        "provider_id": provider.pk,
        "provider_name": provider.name,
        "name": service.name,
        "function_name": service.function_name,
        "service_model": service.service_model,
        "service_model_label": str(service.get_service_model_display()),
    }


def _certification(certification: Certification) -> dict[str, Any]:
    return {
        "id": certification.pk,
        "kind": certification.kind,
        "kind_label": str(certification.get_kind_display()),
        "registration_number": certification.registration_number,
        "status": certification.status,
        "status_label": str(certification.get_status_display()),
        "valid_from": certification.valid_from,
        "valid_until": certification.valid_until,
        "audit_period_end": certification.audit_period_end,
        "services": [s.pk for s in certification.services.all()],
    }


def _services_for(user: Any) -> Any:
    return CloudService.objects.filter(provider__in=providers_for(user)).select_related(
        "provider", "provider__municipality"
    )


@router.get(
    "/providers",
    response={200: Page[ProviderOut], **errors(401, 403, 404, 422)},
    summary="List providers",
    operation_id="list_providers",
    auth=requires(Capability.VIEW_CATALOG),
)
def list_providers(request: SignedInRequest, filters: Query[CatalogFilters]) -> dict[str, Any]:
    providers = providers_for(request.user)
    if filters.municipality:
        providers = providers.filter(municipality__slug=filters.municipality)
    if filters.q.strip():
        providers = providers.filter(name_key__contains=name_key(filters.q))
    return paginate(providers, filters, _provider, ["municipality__name", "name", "id"])


@router.get(
    "/providers/{int:provider_id}",
    response={200: ProviderDetail, **errors(401, 403, 404, 422)},
    summary="Read a provider",
    operation_id="get_provider",
    auth=requires(Capability.VIEW_CATALOG),
)
def get_provider(request: SignedInRequest, provider_id: Id) -> dict[str, Any]:
    provider = provider_for(request.user, provider_id)
    return _provider(provider) | {
        "services": [_service(s) for s in _services_for(request.user).filter(provider=provider)],
        "certifications": [_certification(c) for c in provider.certifications.prefetch_related("services")],
    }


@router.get(
    "/services",
    response={200: Page[ServiceOut], **errors(401, 403, 404, 422)},
    summary="List cloud services",
    operation_id="list_services",
    auth=requires(Capability.VIEW_CATALOG),
)
def list_services(request: SignedInRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    services = _services_for(request.user)
    if filters.municipality:
        services = services.filter(provider__municipality__slug=filters.municipality)
    if filters.provider:
        services = services.filter(provider_id=filters.provider)
    if filters.service_model:
        services = services.filter(service_model=filters.service_model)
    if filters.q.strip():
        key = name_key(filters.q)
        services = services.filter(Q(name_key__contains=key) | Q(function_key__contains=key))
    return paginate(services, filters, _service, ["name", "function_name", "id"])


@router.get(
    "/services/{int:service_id}",
    response={200: ServiceDetail, **errors(401, 403, 404, 422)},
    summary="Read a cloud service",
    operation_id="get_service",
    auth=requires(Capability.VIEW_CATALOG),
)
def get_service(request: SignedInRequest, service_id: Id) -> dict[str, Any]:
    service = get_object_or_404(_services_for(request.user), pk=service_id)
    certifications = service.provider.certifications.filter(Q(services=service) | Q(services__isnull=True))
    return _service(service) | {
        "certifications": [_certification(c) for c in certifications.distinct().prefetch_related("services")]
    }
