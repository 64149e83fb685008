"""Idempotency-Key on the creating operations: a repeated key returns the first answer, creates nothing."""

from __future__ import annotations

import pytest

from kumokan.api.models import IdempotentRequest
from kumokan.api.tests.support import assert_error
from kumokan.applications.models import Application, Decision
from kumokan.applications.tests import factories as f
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def create(client, body, key):
    return client.client.post(
        "/api/v1/applications",
        data=body,
        content_type="application/json",
        headers=client.headers | {"Idempotency-Key": key},
    )


def test_the_same_create_sent_twice_with_one_key_makes_one_draft(api_as):
    c = f.city("kobe")
    client = api_as(c.applicant)
    body = {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe")}

    first = create(client, body, "run-2026-12-03-1")
    again = create(client, body, "run-2026-12-03-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1
    assert create(client, body, "run-2026-12-03-2").status_code == 201
    assert Application.objects.count() == 2


def test_a_key_reused_for_another_body_is_422_and_creates_nothing(api_as):
    c = f.city("kobe")
    client = api_as(c.applicant)
    body = {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe")}
    create(client, body, "k1")

    reused = create(client, body | {"notes": "別の申請"}, "k1")

    assert assert_error(reused, 422, "idempotency_key_reused")["message_en"]
    assert Application.objects.count() == 1


def test_a_refused_create_keeps_no_key_and_keys_are_per_user(api_as):
    c = f.city("kobe")
    client = api_as(c.applicant)
    body = {"municipality": "kobe", "department": "nowhere", "facts": f.facts("kobe")}

    assert_error(create(client, body, "k"), 422)
    assert not IdempotentRequest.objects.exists()
    assert create(client, body | {"department": "jumin"}, "k").status_code == 201
    other = f.member(c.municipality, Role.APPLICANT, c.department)
    assert create(api_as(other), body | {"department": "jumin"}, "k").status_code == 201
    assert Application.objects.count() == 2


def test_a_decision_resent_with_its_key_returns_the_decision_not_a_conflict(api_as):
    c = f.city("kobe")
    application = f.submitted(c)
    client = api_as(c.security_manager)
    body = {"version": f.fresh(application).version, "outcome": "approved"}

    def send():
        return client.client.post(
            f"/api/v1/applications/{application.pk}/decisions",
            data=body,
            content_type="application/json",
            headers=client.headers | {"Idempotency-Key": "approve-1"},
        )

    first, again = send(), send()

    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert Decision.objects.filter(application=application).count() == 1
    assert_error(client.post(f"/applications/{application.pk}/decisions", body), 409, "stale_version")


def test_the_key_is_documented_on_the_creating_operations(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/applications", "/api/v1/applications/{application_id}/decisions"):
        parameters = schema["paths"][path]["post"]["parameters"]
        key = next(p for p in parameters if p["name"] == "Idempotency-Key")
        assert key["in"] == "header" and not key.get("required")
