"""Lockouts count failures per client address: REMOTE_ADDR, or behind trusted proxies X-Forwarded-For."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from kumokan.accounts.addresses import client_address
from kumokan.accounts.tests.conftest import PASSWORD

PROXY = "10.0.0.1"


def fail_from(client: Client, forwarded_for: str | None = None, remote: str = "127.0.0.1") -> None:
    """A wrong password for each of as many different names as it takes to lock an address."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        headers = {"REMOTE_ADDR": remote}
        if forwarded_for is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded_for.format(n=n)
        client.post("/login/", {"username": f"guess{n}", "password": "wrong password"}, **headers)


def sign_in_from(client: Client, username: str, forwarded_for: str, remote: str) -> int:
    response = client.post(
        "/login/",
        {"username": username, "password": PASSWORD},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.status_code


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_change_the_address(
    person: Any, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    person("tanaka")

    fail_from(Client(), forwarded_for="198.51.100.{n}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    assert sign_in_from(Client(), "tanaka", "203.0.113.99", "127.0.0.1") == 429


def test_behind_one_proxy_two_clients_are_locked_separately(person: Any, settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    person("tanaka")
    person("suzuki")

    fail_from(Client(), forwarded_for="203.0.113.5", remote=PROXY)

    # The client cannot escape by writing addresses of its own in front of what the proxy appended.
    assert sign_in_from(Client(), "tanaka", "192.0.2.1, 203.0.113.5", PROXY) == 429
    assert sign_in_from(Client(), "suzuki", "198.51.100.7", PROXY) == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_a_header_that_did_not_pass_every_proxy_counts_as_the_nearest_one(settings: Any, rf: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")) == PROXY
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk, 10.0.0.2")) == PROXY
    forwarded = "192.0.2.1, 203.0.113.5, 10.0.0.2"
    assert client_address(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)) == "203.0.113.5"
