"""The API refuses whom the track's rule refuses, with the same clause as the web form
(Kitakyushu 001_4592fdea49096e9a.txt 5.2(1)①: the 所属長 applies on the 重要情報資産 track)."""

from __future__ import annotations

import pytest

from kumokan.api.tests.support import assert_error
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f

pytestmark = pytest.mark.django_db


def body(high: bool) -> dict[str, object]:
    return {"municipality": "kitakyushu", "department": "jumin", "facts": f.facts("kitakyushu", high=high)}


def test_a_plain_applicant_is_refused_on_the_important_information_track_with_the_clause(api_as):
    c = f.city("kitakyushu", overlays=())

    refused = assert_error(api_as(c.applicant).post("/applications", body(high=True)), 400, "not_applicant")

    assert "所属長" in refused["message"] and "5.2(1)①" in refused["message"]
    assert "所属長" in refused["message_en"] and "5.2(1)①" in refused["message_en"]
    assert not Application.objects.exists()


def test_the_head_applies_on_the_important_information_track(api_as):
    c = f.city("kitakyushu", overlays=())

    response = api_as(c.head).post("/applications", body(high=True))

    assert response.status_code == 201, response.content
    assert Application.objects.get().applicant == c.head


def test_a_plain_applicant_applies_on_the_other_track(api_as):
    c = f.city("kitakyushu", overlays=())

    response = api_as(c.applicant).post("/applications", body(high=False))

    assert response.status_code == 201, response.content
    assert response.json()["judgment"]["track"] == "low"
