"""The OpenAPI document declares every event kumokan sends, with the signature's headers."""

from __future__ import annotations

import pytest

from kumokan.webhooks.choices import EventType

pytestmark = pytest.mark.django_db


def test_every_event_is_declared_with_its_signature_headers(client):
    document = client.get("/api/v1/openapi.json").json()
    assert set(document["webhooks"]) == set(EventType.values)
    for event in document["webhooks"].values():
        operation = event["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"Kumokan-Signature", "Kumokan-Timestamp", "Kumokan-Event-Id", "Kumokan-Event-Type"}
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        component = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        assert {"id", "type", "api_version", "occurred_at", "municipality", "data"} <= set(
            component["properties"]
        )
