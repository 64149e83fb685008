"""Locust users for bench/load.sh: staff reading the ledger, applicants applying, approvers deciding.

Readers sign in through the login form and browse the ledger pages; applicants and approvers use the
REST API with their tokens (the approver's web session would need the TOTP step). Every response that
is not a success counts as an error, and the run must end with none.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

with open(os.environ["LOAD_FIXTURE"], encoding="utf-8") as source:
    FIXTURE = json.load(source)
PENDING = list(FIXTURE["pending"])
random.shuffle(PENDING)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Several servers (bench/load.sh, LOAD_SERVERS): users are spread over them in turn, and a reader signs
# in on one and reads on the next, so that its session and CSRF cookie must work on both.
HOSTS = os.environ.get("LOAD_HOSTS", "").split()
_TURN = itertools.count()


def spread(user: HttpUser) -> tuple[str, str]:
    """The server this user starts on and the one it goes on with (the same when there is one)."""
    if not HOSTS:
        return user.host, user.host
    turn = next(_TURN)
    return HOSTS[turn % len(HOSTS)], HOSTS[(turn + 1) % len(HOSTS)]


# gunicorn runs with the production settings behind a pretend TLS proxy: every request says it came
# over HTTPS, so Django sets Secure cookies, which this plain-HTTP client must be told to send back.
BEHIND_TLS = {"X-Forwarded-Proto": "https"}


class LedgerReader(HttpUser):
    weight = 5
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.client.headers.update(BEHIND_TLS)
        sign_in, read = spread(self)
        self.client.base_url = sign_in
        page = self.client.get("/login/", name="/login/ (form)")
        token = CSRF.search(page.text).group(1)
        self._send_secure_cookies()
        referer = sign_in.replace("http://", "https://") + "/login/"
        self.client.post(
            "/login/",
            {"username": FIXTURE["reader"], "password": FIXTURE["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": referer},
            allow_redirects=False,
        )
        self._send_secure_cookies()
        self.client.base_url = read

    def _send_secure_cookies(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    @task(3)
    def ledger(self) -> None:
        self.client.get("/ledger/")

    @task(2)
    def entry(self) -> None:
        self.client.get(f"/ledger/{random.choice(FIXTURE['entries'])}/", name="/ledger/[id]/")

    @task(1)
    def search(self) -> None:
        self.client.get("/ledger/?q=サービス", name="/ledger/?q=")


class Applicant(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers.update(BEHIND_TLS | {"Authorization": f"Bearer {FIXTURE['applicant_token']}"})
        self.client.base_url = spread(self)[0]

    @task
    def apply(self) -> None:
        created = self.client.post(
            "/api/v1/applications",
            json={
                "municipality": "kobe",
                "department": "jumin",
                "facts": {
                    "service_name": f"新規申請{random.randrange(10**9)}",
                    "provider": "株式会社負荷試験",
                    "purpose": "負荷試験のための申請",
                    "service_model": "saas",
                    "confidentiality": random.choice(["1", "2"]),
                },
                "business_scope": "負荷試験",
            },
            name="/api/v1/applications (create)",
        )
        if created.status_code == 201:
            self.client.get(f"/api/v1/applications/{created.json()['id']}", name="/api/v1/applications/[id]")

    @task
    def mine(self) -> None:
        self.client.get("/api/v1/applications?mine=true", name="/api/v1/applications?mine")


class Approver(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers.update(BEHIND_TLS | {"Authorization": f"Bearer {FIXTURE['approver_token']}"})
        self.client.base_url = spread(self)[0]

    @task(2)
    def queue(self) -> None:
        self.client.get("/api/v1/approvals")

    @task(3)
    def decide(self) -> None:
        if not PENDING:
            return
        application = PENDING.pop()
        self.client.post(
            f"/api/v1/applications/{application['id']}/decisions",
            json={"version": application["version"], "outcome": "approved"},
            name="/api/v1/applications/[id]/decisions",
        )
