"""Objects a request may reach, by the UI's own table (kumokan.tenancy.permissions): 404 for any other."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from kumokan.tenancy.models import Municipality
from kumokan.tenancy.permissions import Capability, municipalities_granting


def municipality_for(user: Any, slug: str, capability: Capability = Capability.HOME) -> Municipality:
    """A municipality in which one of the user's roles grants `capability`; any other is 404."""
    for municipality in municipalities_granting(user, capability):
        if municipality.slug == slug:
            return municipality
    raise Http404
