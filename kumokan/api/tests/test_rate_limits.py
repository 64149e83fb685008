"""The API's rate limits: per token and per address, 429 with Retry-After, counted in the shared cache."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kumokan.api.actions import issue_api_token
from kumokan.api.tests.support import ApiClient, assert_error


@pytest.fixture(autouse=True)
def _fresh_counts() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_token_past_its_rate_is_answered_429_with_retry_after(kobe, make_user, settings):
    settings.API_RATE_PER_TOKEN = "3/m"
    user = make_user("staff", (kobe, "staff", None))
    _token, text = issue_api_token(acting_user=user, user=user, name="集計")
    client = ApiClient(text)

    answers = [client.get("/me") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert_error(answers[-1], 429, "too_many_requests")
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    # Another token of the same person has a count of its own.
    _other, other_text = issue_api_token(acting_user=user, user=user, name="別")
    assert ApiClient(other_text).get("/me").status_code == 200


def test_one_address_past_its_rate_is_answered_429_whatever_token_it_sends(kobe, make_user, settings):
    settings.API_RATE_PER_ADDRESS = "2/m"
    user = make_user("staff", (kobe, "staff", None))
    texts = [issue_api_token(acting_user=user, user=user, name=f"t{n}")[1] for n in range(3)]

    answers = [ApiClient(text).get("/me") for text in texts]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
