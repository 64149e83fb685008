from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.api.actions import issue_api_token, revoke_api_token
from kumokan.api.models import ApiToken, token_digest
from kumokan.api.tests.support import ApiClient, assert_error
from kumokan.audit.models import AuditEvent

BODY = {"municipality": "kobe", "facts": {}}


def test_only_the_digest_of_a_token_is_stored(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))

    token, text = issue_api_token(acting_user=user, user=user, name="集計スクリプト")

    assert text.startswith("kmk_") and len(text) > 40
    assert token.digest == token_digest(text) and text not in token.digest
    assert token.prefix == text[:12]
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == user and event.after == {
        "user": user.pk,
        "name": "集計スクリプト",
        "prefix": token.prefix,
    }
    assert text not in str(event.after)


def test_a_token_acts_as_its_user(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    _token, text = issue_api_token(acting_user=user, user=user, name="t")

    response = ApiClient(text).get("/me")

    assert response.status_code == 200
    assert response.json()["username"] == "staff"


def test_no_token_an_unknown_token_and_another_scheme_are_401(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    _token, text = issue_api_token(acting_user=user, user=user, name="t")

    for client in (ApiClient(None), ApiClient("kmk_" + "x" * 43), ApiClient(text + "x"), ApiClient("ümlaut")):
        body = assert_error(client.get("/me"), 401, "unauthenticated")
        assert body["message"].startswith("有効な API トークン")
    basic = ApiClient(None)
    basic.headers = {"Authorization": f"Basic {text}"}
    response = basic.get("/me")
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="kumokan"'


def test_a_revoked_token_stops_working_at_once(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    token, text = issue_api_token(acting_user=user, user=user, name="t")
    client = ApiClient(text)
    assert client.get("/me").status_code == 200

    revoke_api_token(acting_user=user, token=token)

    assert_error(client.get("/me"), 401)
    assert AuditEvent.objects.filter(action="api_token.revoke", target_id=str(token.pk)).count() == 1


def test_the_token_of_a_deactivated_user_stops_working(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    _token, text = issue_api_token(acting_user=user, user=user, name="t")
    user.is_active = False
    user.save()

    assert_error(ApiClient(text).get("/me"), 401)


def test_last_use_is_recorded_once_a_minute_at_most(kobe, make_user):
    user = make_user("staff", (kobe, "staff", None))
    token, text = issue_api_token(acting_user=user, user=user, name="t")
    client = ApiClient(text)

    with time_machine.travel("2026-04-01 09:00:00+09:00", tick=False) as clock:
        client.get("/me")
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        clock.shift(timedelta(seconds=30))
        client.get("/me")
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first
        clock.shift(timedelta(seconds=31))
        client.get("/me")
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first + timedelta(seconds=61)


def test_the_command_prints_the_token_once_and_stores_its_digest(kobe, make_user, capsys):
    make_user("staff", (kobe, "staff", None))

    call_command("create_api_token", "staff", "夜間バッチ")

    text = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.name == "夜間バッチ" and token.digest == token_digest(text)
    assert ApiClient(text).get("/me").status_code == 200


def test_the_command_refuses_a_token_to_an_approver_without_a_two_factor_device(kobe, make_user):
    make_user("approver", (kobe, "approver", None))

    with pytest.raises(CommandError, match="two-factor"):
        call_command("create_api_token", "approver", "夜間バッチ")

    assert not ApiToken.objects.exists()


def test_the_command_issues_a_token_to_an_approver_with_a_confirmed_device(kobe, make_user, capsys):
    approver = make_user("approver", (kobe, "approver", None))
    TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)

    call_command("create_api_token", "approver", "夜間バッチ")

    assert ApiToken.objects.get().user == approver
