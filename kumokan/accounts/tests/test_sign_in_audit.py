"""Sign-ins, sign-outs, failed sign-ins, two-factor checks and API token use are in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kumokan.accounts.testing import device_for, fresh_code
from kumokan.api.actions import issue_api_token
from kumokan.applications.tests import factories as f
from kumokan.audit.chain import verify_chain
from kumokan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def trail(action: str) -> list[tuple[str, str, Any]]:
    return [
        (event.actor_name, event.target_repr, event.after)
        for event in AuditEvent.objects.filter(action=action).order_by("id")
    ]


def test_a_sign_in_a_failed_one_and_a_sign_out_are_recorded(client: Client) -> None:
    User.objects.create_user("tanaka", password=PASSWORD, last_name="田中", first_name="太郎")

    client.post("/login/", {"username": "tanaka", "password": "wrong"})
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    client.post("/login/", {"username": "tanaka", "password": PASSWORD})
    client.post("/logout/")

    failed = trail("account.sign_in_failed")
    assert [(actor, target) for actor, target, _after in failed] == [
        ("system", "tanaka"),
        ("system", "nobody"),
    ]
    assert failed[0][2]["address"] == "127.0.0.1"
    assert [(actor, after["address"]) for actor, _target, after in trail("account.sign_in")] == [
        ("田中 太郎", "127.0.0.1")
    ]
    assert [actor for actor, _target, _after in trail("account.sign_out")] == ["田中 太郎"]
    assert AuditEvent.objects.filter(action__startswith="account.sign", municipality=None).count() == 4
    assert verify_chain().ok


def test_a_two_factor_check_is_recorded_right_or_wrong(client: Client) -> None:
    user = User.objects.create_user("tanaka", password=PASSWORD, last_name="田中", first_name="太郎")
    device = device_for(user)
    other = Client()
    for session in (client, other):
        session.post("/login/", {"username": "tanaka", "password": PASSWORD})

    client.post("/accounts/two-factor/verify/", {"token": fresh_code(device)})
    wrong = "000000" if fresh_code(device) != "000000" else "111111"
    other.post("/accounts/two-factor/verify/", {"token": wrong})

    assert [(actor, after["accepted"]) for actor, _target, after in trail("account.two_factor_check")] == [
        ("田中 太郎", True),
        ("田中 太郎", False),
    ]


def test_token_use_is_recorded_at_most_once_a_minute() -> None:
    city = f.city("kobe")
    _token, text = issue_api_token(acting_user=city.staff, user=city.staff, name="集計")
    client = Client()

    for _ in range(3):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {text}"}).status_code == 200

    assert [(target, after["address"]) for _actor, target, after in trail("api_token.use")] == [
        (str(_token), "127.0.0.1")
    ]
