"""The webhooks' payloads: the API's own components inside a versioned envelope, declared in the
OpenAPI document's `webhooks` section, and the describers kumokan.webhooks.events calls to build them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE
from pydantic import Field
from pydantic.json_schema import models_json_schema

from kumokan.api.applications import ApplicationSummary, DecisionOut, decision_data, summary_data
from kumokan.api.ledger import EntryOut, StatusValue, entry_data
from kumokan.api.lifecycle import RecheckOut, recheck_data
from kumokan.webhooks.choices import EventType
from kumokan.webhooks.events import describe_with

SIGNATURE_HELP = (
    "Every request carries `Kumokan-Timestamp` (Unix seconds) and `Kumokan-Signature`: `v1=` and the "
    "hex HMAC-SHA256 of `<timestamp>.<raw body>` keyed with the subscription's secret. Refuse a request "
    "whose signature does not match or whose timestamp is more than 5 minutes from your clock, and "
    "treat an event id you have already processed as done (a delivery may arrive more than once). "
    "Answer 2xx within 10 seconds; any other answer, or none, is tried again later with backoff."
)


class ApplicationDecided(Schema):
    application: ApplicationSummary
    decision: DecisionOut
    ledger_entry: int | None = Field(description="The ledger entry an approval created.")


class LedgerEntryStatusChanged(Schema):
    entry: EntryOut
    previous_status: StatusValue
    reason: str


class RecheckOverdue(Schema):
    recheck: RecheckOut


class WebhookEvent(Schema):
    id: uuid.UUID = Field(description="The event's id: the same on every delivery of this event.")
    api_version: Literal["1"] = Field(description="The shape of `data` follows this version of the API.")
    occurred_at: datetime.datetime
    municipality: str = Field(description="The municipality's slug.")


class ApplicationDecidedEvent(WebhookEvent):
    type: Literal["application.approved", "application.rejected"]
    data: ApplicationDecided


class LedgerEntryStatusChangedEvent(WebhookEvent):
    type: Literal["ledger_entry.status_changed"]
    data: LedgerEntryStatusChanged


class RecheckOverdueEvent(WebhookEvent):
    type: Literal["recheck.overdue"]
    data: RecheckOverdue


PAYLOADS: dict[EventType, tuple[type[WebhookEvent], str]] = {
    EventType.APPLICATION_APPROVED: (
        ApplicationDecidedEvent,
        "An application was approved; `ledger_entry` is the entry the approval created.",
    ),
    EventType.APPLICATION_REJECTED: (ApplicationDecidedEvent, "An application was rejected."),
    EventType.LEDGER_ENTRY_STATUS_CHANGED: (
        LedgerEntryStatusChangedEvent,
        "A ledger entry went into operation, was suspended, resumed or retired (status `retired`).",
    ),
    EventType.RECHECK_OVERDUE: (
        RecheckOverdueEvent,
        "A re-check passed its due date unanswered (sent once, when kumokan escalates it).",
    ),
}


def _json(model: type[Schema], data: dict[str, Any]) -> dict[str, Any]:
    """`data` checked against the component it is declared as, in JSON form."""
    return model.model_validate(data).model_dump(mode="json")


def _application_decided(decision: Any) -> dict[str, Any]:
    application = decision.application
    entry = getattr(application, "ledger_entry", None)
    return _json(
        ApplicationDecided,
        {
            "application": summary_data(application, decision.snapshot.track),
            "decision": decision_data(decision),
            "ledger_entry": entry.pk if entry else None,
        },
    )


def _entry_status_changed(entry: Any, *, previous_status: str, reason: str) -> dict[str, Any]:
    data = {"entry": entry_data(entry), "previous_status": previous_status, "reason": reason}
    return _json(LedgerEntryStatusChanged, data)


def _recheck_overdue(recheck: Any) -> dict[str, Any]:
    return _json(RecheckOverdue, {"recheck": recheck_data(recheck)})


def register() -> None:
    """Give kumokan.webhooks the describer of each event type (ApiConfig.ready)."""
    describe_with(EventType.APPLICATION_APPROVED, _application_decided)
    describe_with(EventType.APPLICATION_REJECTED, _application_decided)
    describe_with(EventType.LEDGER_ENTRY_STATUS_CHANGED, _entry_status_changed)
    describe_with(EventType.RECHECK_OVERDUE, _recheck_overdue)


def _header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


def document_webhooks(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the events kumokan sends to the OpenAPI document (its `webhooks`, their payloads' components)."""
    models = sorted({model for model, _text in PAYLOADS.values()}, key=lambda model: model.__name__)
    _refs, definitions = models_json_schema(
        [(model, "serialization") for model in models], ref_template=REF_TEMPLATE
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in definitions.get("$defs", {}).items():
        components.setdefault(name, definition)
    parameters = [
        _header("Kumokan-Signature", "`v1=` and the hex HMAC-SHA256 of `<Kumokan-Timestamp>.<raw body>`."),
        _header("Kumokan-Timestamp", "When this attempt was signed, in Unix seconds."),
        _header("Kumokan-Event-Id", "The event's id, as `id` in the body."),
        _header("Kumokan-Event-Type", "The event's type, as `type` in the body."),
    ]
    schema["webhooks"] = {
        event_type.value: {
            "post": {
                "operationId": "webhook_" + event_type.value.replace(".", "_"),
                "summary": str(event_type.label),
                "description": f"{text}\n\n{SIGNATURE_HELP}",
                "tags": ["webhooks"],
                "parameters": parameters,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}
                    },
                },
                "responses": {"2XX": {"description": "Received."}},
            }
        }
        for event_type, (model, text) in PAYLOADS.items()
    }
    return schema
