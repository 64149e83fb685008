"""POST /judgments: the engine's judgment of some facts under a municipality's packs, nothing stored."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from kumokan.api.access import municipality_for
from kumokan.api.auth import requires
from kumokan.api.inputs import FactsInput, Slug
from kumokan.api.renderers import json_response
from kumokan.api.schemas import errors
from kumokan.core.actors import SignedInRequest
from kumokan.policy import judge
from kumokan.policy.schemas import Judgment
from kumokan.tenancy.permissions import Capability

router = Router(tags=["judgments"])


class JudgmentRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    municipality: Slug = Field(description="The municipality's slug, e.g. kobe.")
    facts: FactsInput


@router.post(
    "",
    response={200: Judgment, **errors(400, 401, 403, 404, 422)},
    summary="Judge a planned use",
    operation_id="judge",
    auth=requires(Capability.APPLY),
)
def create_judgment(request: SignedInRequest, payload: JudgmentRequest) -> HttpResponse:
    """Exactly `kumokan.policy.judge` (and `kumokan judge`) for the municipality's packs and approver setting.

    Whoever may apply there may ask, as on the application form's live judgment; another municipality is 404.
    """
    municipality = municipality_for(request.user, payload.municipality, Capability.APPLY)
    judgment = judge(
        payload.facts, municipality.packs(), configured_approver=municipality.configured_approver
    )
    return json_response(judgment)
