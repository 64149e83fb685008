"""The API's rate limits: per token and per address, 429 with Retry-After, counted in the shared cache."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from django.core.cache import cache

from kumokan.api.actions import issue_api_token
from kumokan.api.tests.support import ApiClient, assert_error
from kumokan.api.throttling import TokenThrottle


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


class _Lockstep:
    """Django's cache, with each read held until the other worker has read too: two workers answering
    at the same moment, as gunicorn's do, without leaving it to the scheduler to interleave them."""

    def __init__(self, barrier: threading.Barrier) -> None:
        self._barrier = barrier

    def get(self, key: str, default: Any = None) -> Any:
        value = cache.get(key, default)
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait(timeout=2)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(cache, name)


def test_two_workers_answering_at_once_do_not_both_pass_the_last_request(kobe, make_user, settings, rf):
    """The re-test sent 340 requests at 300/m from parallel connections and all passed: two workers
    read the same count, both answered, and one write of it was lost."""
    settings.API_RATE_PER_TOKEN = "1/m"
    user = make_user("staff", (kobe, "staff", None))
    token, _text = issue_api_token(acting_user=user, user=user, name="並列")
    barrier = threading.Barrier(2)
    answers: list[bool] = []

    def worker() -> None:
        throttle = TokenThrottle()
        throttle.cache = _Lockstep(barrier)
        request = rf.get("/api/v1/me")
        request.auth = token
        answers.append(throttle.allow_request(request))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [False, True]
