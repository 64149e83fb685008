"""Scale-out: two gunicorn processes on one PostgreSQL share sessions and decide an application once.

No state lives in a process: sessions are rows in the database, the decision's lock is the
application's row (select_for_update) and the one-final-decision constraint. Two real servers on
loopback ports are started against the test database; a person signs in (with the second factor) on
one and goes on with the same cookie on the other, then both servers are asked to approve the same
application at the same moment.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from kumokan.accounts.testing import device_for, fresh_code
from kumokan.api.actions import issue_api_token
from kumokan.applications.choices import Outcome
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f
from kumokan.core.actors import SYSTEM
from kumokan.ledger.counts import recount
from kumokan.ledger.models import EntryCount

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "two-servers-password-1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(extra_env: dict[str, str] | None = None) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    """Two gunicorn processes (one worker each) on the test database, on loopback ports."""
    if connection.vendor != "postgresql":
        pytest.skip("two server processes cannot share SQLite's in-memory test database; runs on PostgreSQL")
    url = urlsplit(os.environ["KUMOKAN_DATABASE_URL"])
    env = dict(
        os.environ,
        KUMOKAN_DATABASE_URL=urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
        DJANGO_SETTINGS_MODULE="kumokan.config.testing",
        **(extra_env or {}),
    )
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kumokan.config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process in zip(bases, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                        if response.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(
                            process.stderr.read().decode() if process.stderr else ""
                        ) from None
                    time.sleep(0.2)
    except BaseException:
        stop(processes)
        raise
    return bases, processes


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)


@pytest.fixture
def servers() -> Iterator[list[str]]:
    bases, processes = start_servers()
    try:
        yield bases
    finally:
        stop(processes)


@pytest.fixture
def servers_sharing_redis() -> Iterator[list[str]]:
    """The two servers with one Redis as their cache (API rate limits: 4 a minute per token)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian's redis-server)")
    if connection.vendor != "postgresql":
        pytest.skip("two server processes cannot share SQLite's in-memory test database; runs on PostgreSQL")
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        bases, processes = start_servers(
            {
                "KUMOKAN_TEST_SHARED_CACHE_URL": f"redis://127.0.0.1:{port}/0",
                "KUMOKAN_API_RATE_PER_TOKEN": "4/m",
            }
        )
        try:
            yield bases
        finally:
            stop(processes)
    finally:
        redis.terminate()
        redis.wait(timeout=20)


class Browser:
    """A person's cookie jar, used against either server."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post_form(self, url: str, fields: dict[str, str]) -> tuple[int, str]:
        _status, page = self.get(url)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": CSRF.findall(page)[-1], **fields}).encode()
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_a_session_from_one_server_works_on_the_other_and_one_decision_wins(servers: list[str]) -> None:
    city = f.city()
    application = f.submitted(city)
    approver = f.high_track_approver(city)
    approver.set_password(PASSWORD)
    approver.save()
    first, second = servers
    browser = Browser()

    browser.post_form(f"{first}/login/", {"username": approver.username, "password": PASSWORD})
    browser.post_form(f"{first}/accounts/two-factor/verify/", {"token": fresh_code(device_for(approver))})
    status, page = browser.get(f"{second}/approvals/{application.pk}/")

    assert status == 200
    assert 'name="outcome"' in page  # the decision page itself, signed in on the other server

    decision = {"outcome": Outcome.APPROVED, "version": str(application.version), "reason": ""}
    pages = {base: browser.get(f"{base}/approvals/{application.pk}/")[1] for base in servers}
    start = threading.Barrier(2)
    answers: dict[str, int] = {}

    def decide(base: str) -> None:
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": CSRF.findall(pages[base])[-1], **decision}
        ).encode()
        start.wait()
        try:
            with browser.opener.open(
                f"{base}/approvals/{application.pk}/", data=data, timeout=30
            ) as response:
                answers[base] = response.status
        except urllib.error.HTTPError as error:
            answers[base] = error.code

    threads = [threading.Thread(target=decide, args=(base,)) for base in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(answers.values()) <= {200, 409}
    assert Decision.objects.filter(application=application).count() == 1
    assert f.fresh(application).status == "approved"


def test_rate_limits_and_the_stored_counts_hold_across_both_servers(servers_sharing_redis: list[str]) -> None:
    """Issue 18, target 8: stateless servers. The API's rate limit counts one token's requests on both
    servers together (in the shared Redis); two approvals at the same moment on the two servers both add
    to the same stored ledger count, which stays equal to a fresh count of the entries."""
    city = f.city()
    first, second = servers_sharing_redis
    _token, text = issue_api_token(acting_user=SYSTEM, user=city.applicant, name="two servers")

    def api_status(base: str) -> int:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{base}/api/v1/me", headers={"Authorization": f"Bearer {text}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    assert [api_status(base) for base in (first, second, first, second, first, second)] == [
        200,
        200,
        200,
        200,
        429,
        429,
    ]

    applications = [f.submitted(city, service_name=name) for name in ("Box", "Teams")]
    approver = f.high_track_approver(city)
    approver.set_password(PASSWORD)
    approver.save()
    browser = Browser()
    browser.post_form(f"{first}/login/", {"username": approver.username, "password": PASSWORD})
    browser.post_form(f"{second}/accounts/two-factor/verify/", {"token": fresh_code(device_for(approver))})
    pages = {
        base: browser.get(f"{base}/approvals/{application.pk}/")[1]
        for base, application in zip(servers_sharing_redis, applications, strict=True)
    }
    start = threading.Barrier(2)
    answers: dict[str, int] = {}

    def approve(base: str, application: Any) -> None:
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": CSRF.findall(pages[base])[-1],
                "outcome": Outcome.APPROVED,
                "version": str(application.version),
                "reason": "",
            }
        ).encode()
        start.wait()
        with browser.opener.open(f"{base}/approvals/{application.pk}/", data=data, timeout=60) as response:
            answers[base] = response.status

    threads = [
        threading.Thread(target=approve, args=(base, application))
        for base, application in zip(servers_sharing_redis, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == {first: 200, second: 200}
    assert all(f.fresh(application).status == "approved" for application in applications)
    assert recount(repair=False) == {}
    assert (
        sum(EntryCount.objects.filter(municipality=city.municipality).values_list("entries", flat=True)) == 2
    )
