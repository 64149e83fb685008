"""Providers and cloud services in the catalogue."""

from __future__ import annotations

from typing import Any

from kumokan.audit.actions import record, state_of
from kumokan.audit.choices import Action
from kumokan.catalog.choices import (
    ServiceModel,
)
from kumokan.catalog.models import (
    CloudService,
    Provider,
    name_key,
)
from kumokan.core.actors import Actor


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
