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
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from kumokan.accounts.testing import device_for, fresh_code
from kumokan.applications.choices import Outcome
from kumokan.applications.models import Decision
from kumokan.applications.tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "two-servers-password-1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def servers() -> Iterator[list[str]]:
    if connection.vendor != "postgresql":
        pytest.skip("two server processes cannot share SQLite's in-memory test database; runs on PostgreSQL")
    url = urlsplit(os.environ["KUMOKAN_DATABASE_URL"])
    env = dict(
        os.environ,
        KUMOKAN_DATABASE_URL=urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"])),
        DJANGO_SETTINGS_MODULE="kumokan.config.testing",
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
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


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
