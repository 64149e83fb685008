"""What a city's receiver does with a request: check the signature as docs/webhooks.md says, and the
payload against the OpenAPI document's declaration of its event."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.test import Client
from jsonschema import Draft202012Validator

from kumokan.webhooks import actions
from kumokan.webhooks.choices import EventType


def verified(request: dict[str, Any], secret: str) -> dict[str, Any]:
    """The request's JSON body, after checking its signature and timestamp (as the docs' example)."""
    headers = {name.lower(): value for name, value in request["headers"].items()}
    timestamp = headers["kumokan-timestamp"]
    signed = timestamp.encode() + b"." + request["body"]
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["kumokan-signature"], expected)
    assert abs(time.time() - int(timestamp)) <= 300
    payload: dict[str, Any] = json.loads(request["body"])
    assert headers["kumokan-event-id"] == payload["id"]
    assert headers["kumokan-event-type"] == payload["type"]
    return payload


def assert_declared(payload: dict[str, Any]) -> None:
    """The payload validates against its event's schema in /api/v1/openapi.json, every key declared."""
    document = Client().get("/api/v1/openapi.json").json()
    body = document["webhooks"][payload["type"]]["post"]["requestBody"]["content"]["application/json"]
    schema = {"$ref": body["schema"]["$ref"], "components": document["components"]}
    Draft202012Validator(schema).validate(payload)
    components = document["components"]["schemas"]

    def keys_declared(value: Any, node: dict[str, Any]) -> None:
        while "$ref" in node:
            node = components[node["$ref"].rsplit("/", 1)[-1]]
        if isinstance(value, dict) and "properties" in node:
            assert set(value) == set(node["properties"]), set(value) ^ set(node["properties"])
            for key, item in value.items():
                keys_declared(item, node["properties"][key])
        for alternative in node.get("anyOf", []):
            if "$ref" in alternative and isinstance(value, dict):
                keys_declared(value, alternative)

    keys_declared(payload, body["schema"])


def subscribe(c: Any, url: str, *events: EventType) -> tuple[Any, str]:
    """The city's administrator subscribes `url` to `events` (all of them if none are named)."""
    return actions.create_subscription(
        acting_user=c.administrator,
        municipality=c.municipality,
        url=url,
        event_types=events or EventType.values,
        description="資産管理システム",
    )
