"""Idempotency-Keys are kept 24 hours (as the API documents), then the hourly job forgets them and the
same key creates again."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings

from kumokan.api.models import IdempotentRequest
from kumokan.api.tasks import forget_idempotency_keys
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)


def create(client, body, key):
    headers = client.headers | {"Idempotency-Key": key}
    return client.client.post(
        "/api/v1/applications", data=body, content_type="application/json", headers=headers
    )


def test_keys_older_than_a_day_are_forgotten_and_younger_ones_kept(api_as):
    c = f.city("kobe")
    client = api_as(c.applicant)
    body = {"municipality": "kobe", "department": "jumin", "facts": f.facts("kobe")}
    with time_machine.travel(NOON - datetime.timedelta(hours=25), tick=False):
        assert create(client, body, "yesterday").status_code == 201
    with time_machine.travel(NOON - datetime.timedelta(hours=23), tick=False):
        assert create(client, body, "this-morning").status_code == 201

    with time_machine.travel(NOON, tick=False):
        assert forget_idempotency_keys() == 1
        assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["this-morning"]
        replayed = create(client, body, "this-morning")
        again = create(client, body, "yesterday")
    assert replayed["Idempotent-Replayed"] == "true"
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Application.objects.count() == 3


def test_the_job_runs_every_hour_and_the_retention_is_documented(client):
    schedule = settings.CELERY_BEAT_SCHEDULE["api-forget-idempotency-keys"]
    assert schedule["task"] == forget_idempotency_keys.name
    assert schedule["schedule"].minute == {17} and len(schedule["schedule"].hour) == 24
    document = client.get("/api/v1/openapi.json").json()
    create_operation = document["paths"]["/api/v1/applications"]["post"]
    [header] = [p for p in create_operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert "kept 24 hours" in header["description"]
