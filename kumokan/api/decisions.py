"""Deciding: the approval queue, and a decision on one application through actions.decide."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from kumokan.api.applications import ApplicationSummary, DecisionOut, decision_data, summary_data
from kumokan.api.auth import requires
from kumokan.api.errors import InvalidInput
from kumokan.api.idempotency import IdempotencyKey, create_once
from kumokan.api.inputs import Id, Text, Version
from kumokan.api.pages import Page, Paging, paginate
from kumokan.api.schemas import errors
from kumokan.applications import actions, routing
from kumokan.applications.access import application_for, decidable_by, queue_rows
from kumokan.core.actors import SignedInRequest
from kumokan.errors import as_typed
from kumokan.tenancy.access import eligible_service_managers
from kumokan.tenancy.permissions import Capability
from kumokan.tenancy.vocabulary import in_sentence

router = Router(tags=["decisions"])


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Version
    outcome: Literal["approved", "rejected", "returned"]
    reason: Text = Field("", description="Required to reject or return.")
    service_manager: Text | None = Field(
        None,
        max_length=150,
        description="Username of the service manager, where the pack's rule lets the approver name one.",
    )


class DecisionResult(DecisionOut):
    application: ApplicationSummary
    ledger_entry: int | None = Field(description="The ledger entry an approval created.")


@router.get(
    "/approvals",
    response={200: Page[ApplicationSummary], **errors(401, 403, 404, 422)},
    summary="The applications waiting for your decision",
    operation_id="list_approvals",
    auth=requires(Capability.DECIDE),
)
def list_approvals(request: SignedInRequest, filters: Query[Paging]) -> dict[str, Any]:
    """The approval queue, oldest submission first: exactly what the queue page lists, a page at a time."""
    # The queue is decided in Python (routing.may_decide) on a few columns of each application; only
    # the page's rows are read whole.
    decidable = decidable_by(request.user)
    return paginate(
        queue_rows(decidable),
        filters,
        lambda a: summary_data(a, decidable[a.pk].track),
        ["submitted_at", "id"],
    )


@router.post(
    "/applications/{int:application_id}/decisions",
    response={201: DecisionResult, **errors(400, 401, 403, 404, 409, 422)},
    summary="Approve, reject or return an application",
    operation_id="decide",
    auth=requires(Capability.DECIDE),
)
def decide(
    request: SignedInRequest, application_id: Id, payload: DecisionIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """kumokan.applications.actions.decide on the version you looked at (409 if it changed since).

    Only the approver the judgment routes the application to may decide it (403 for anyone else);
    an approval designates the service manager by the pack's rule and creates the ledger entry.
    """
    application = application_for(request.user, application_id)
    snapshot = application.judgment
    if snapshot is None or not routing.may_decide(request.user, application, snapshot):
        raise PermissionDenied(_("You are not the approver of this application."))
    manager = None
    if payload.service_manager:
        # Among the application's municipality's eligible people only (as the decision form offers):
        # a name from elsewhere is the same 422 as one that does not exist.
        eligible = eligible_service_managers(application.municipality, application.department, snapshot.track)
        manager = eligible.filter(username=payload.service_manager).first()
        if manager is None:
            raise InvalidInput(
                gettext_lazy("%(username)s is not a person who can be designated %(service_manager)s here"),
                field="service_manager",
                params={"username": as_typed(payload.service_manager)}
                | in_sentence(application.municipality),
            )

    def create() -> tuple[int, dict[str, Any]]:
        decision = actions.decide(
            acting_user=request.user,
            application=application,
            outcome=payload.outcome,
            reason=payload.reason,
            expected_version=payload.version,
            service_manager=manager,
        )
        decided = application_for(request.user, application_id)
        entry = getattr(decided, "ledger_entry", None)
        return 201, decision_data(decision) | {
            "application": summary_data(decided, snapshot.track),
            "ledger_entry": entry.pk if entry else None,
        }

    key = idempotency_key
    return create_once(request, key, f"decide {application_id}", payload, DecisionResult, create)
