"""TOTP two-factor: required of deciders and administrators, optional for everyone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kumokan.accounts.actions import give_demo_device
from kumokan.accounts.testing import device_for, fresh_code
from kumokan.accounts.tests.conftest import sign_in
from kumokan.accounts.two_factor import PENDING_KEY_SESSION_KEY, current_code, requires_two_factor
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent


def code_for_pending(client: Client) -> str:
    key = bytes.fromhex(client.session[PENDING_KEY_SESSION_KEY])
    return f"{TOTP(key).token():06d}"


@pytest.mark.parametrize("role", ["approver", "chief", "security_manager", "administrator"])
def test_these_roles_require_two_factor(person, role: str) -> None:
    assert requires_two_factor(person("someone", role))


@pytest.mark.parametrize("role", ["applicant", "staff", "auditor", "contractor"])
def test_other_roles_do_not(person, role: str) -> None:
    assert not requires_two_factor(person("someone", role))


def test_staff_accounts_require_it(person) -> None:
    assert requires_two_factor(person("admin-site-user", is_staff=True))


def test_an_approver_without_a_device_is_sent_to_enrolment_from_every_page(client: Client, person) -> None:
    person("kyoka", "approver")

    response = sign_in(client, "kyoka")
    assert response.status_code == 302
    for path in ["/", "/api-tokens/", "/admin/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/two-factor/enrol/"), path


def test_enrolment_shows_a_locally_drawn_qr_code_and_a_code_turns_it_on(client: Client, person) -> None:
    user = person("kyoka", "approver")
    sign_in(client, "kyoka")

    page = client.get("/accounts/two-factor/enrol/")
    qr = client.get("/accounts/two-factor/qr.svg")
    response = client.post("/accounts/two-factor/enrol/", {"token": code_for_pending(client), "next": "/"})

    html = page.content.decode()
    assert '<img src="/accounts/two-factor/qr.svg"' in html
    assert 'id="totp-secret"' in html
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b"<script" not in qr.content
    assert response.status_code == 302 and response["Location"] == "/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=Action.ACCOUNT_TWO_FACTOR_ENROL)
    assert event.actor == user


def test_a_wrong_code_does_not_turn_it_on(client: Client, person) -> None:
    user = person("kyoka", "approver")
    sign_in(client, "kyoka")
    client.get("/accounts/two-factor/enrol/")
    wrong = f"{(int(code_for_pending(client)) + 1) % 1_000_000:06d}"

    response = client.post("/accounts/two-factor/enrol/", {"token": wrong})

    assert response.status_code == 200
    assert "コードが正しくないか、期限が切れています" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_with_a_device_the_password_alone_reaches_nothing(client: Client, person) -> None:
    device = device_for(person("kyoka", "approver"))
    sign_in(client, "kyoka")

    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")
    response = client.post("/accounts/two-factor/verify/", {"token": fresh_code(device), "next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_used_code_cannot_be_used_again(person) -> None:
    device = device_for(person("kyoka", "approver"))
    first, second = Client(), Client()
    sign_in(first, "kyoka")
    sign_in(second, "kyoka")
    code = fresh_code(device)

    first.post("/accounts/two-factor/verify/", {"token": code})
    response = second.post("/accounts/two-factor/verify/", {"token": code})

    assert response.status_code == 200
    assert second.get("/").status_code == 302


def test_an_unverified_session_cannot_enrol_a_new_device_over_the_old_one(client: Client, person) -> None:
    user = person("kyoka", "approver")
    old = device_for(user)
    sign_in(client, "kyoka")

    page = client.get("/accounts/two-factor/enrol/")
    posted = client.post("/accounts/two-factor/enrol/", {"token": "123456"})
    qr = client.get("/accounts/two-factor/qr.svg")

    assert page["Location"].startswith("/accounts/two-factor/verify/")
    assert posted["Location"].startswith("/accounts/two-factor/verify/")
    assert qr.status_code in (302, 404)
    assert list(TOTPDevice.objects.filter(user=user)) == [old]


def test_signing_in_and_verifying_each_give_a_new_session_key(client: Client, person) -> None:
    device = device_for(person("kyoka", "approver"))
    client.get("/login/")
    anonymous_key = client.session.session_key
    sign_in(client, "kyoka")
    password_key = client.session.session_key

    client.post("/accounts/two-factor/verify/", {"token": fresh_code(device)})

    assert anonymous_key != password_key != client.session.session_key


def test_staff_without_such_a_role_sign_in_with_the_password_alone(client: Client, person) -> None:
    person("tanaka", "applicant")

    sign_in(client, "tanaka")

    assert client.get("/").status_code == 200


def test_optional_two_factor_once_enrolled_is_asked_at_every_sign_in(client: Client, person) -> None:
    person("tanaka", "applicant")
    sign_in(client, "tanaka")
    client.get("/accounts/two-factor/enrol/")
    client.post("/accounts/two-factor/enrol/", {"token": code_for_pending(client)})
    client.post("/logout/")

    sign_in(client, "tanaka")

    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_optional_two_factor_can_be_turned_off_but_required_cannot(client: Client, person) -> None:
    applicant, approver = person("tanaka", "applicant"), person("kyoka", "approver")
    device_for(applicant)
    device_for(approver)
    other = Client()
    client.force_login(applicant)
    other.force_login(approver)

    client.post("/accounts/two-factor/remove/")
    other.post("/accounts/two-factor/remove/")

    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert TOTPDevice.objects.filter(user=approver).exists()
    assert AuditEvent.objects.filter(action=Action.ACCOUNT_TWO_FACTOR_REMOVE).count() == 1


@override_settings(DEBUG=True)
def test_demo_otp_prints_the_demo_devices_current_code(person, capsys: Any) -> None:
    device = give_demo_device(person("approver", "approver"))

    call_command("demo_otp", "approver")

    assert capsys.readouterr().out.strip() == current_code(device)


@override_settings(DEBUG=True)
def test_demo_otp_shows_no_code_of_a_device_a_person_enrolled(person) -> None:
    device_for(person("kyoka", "approver"))

    with pytest.raises(CommandError):
        call_command("demo_otp", "kyoka")


@override_settings(DEBUG=False)
def test_demo_otp_refuses_to_run_in_production(person) -> None:
    give_demo_device(person("approver", "approver"))

    with pytest.raises(CommandError, match="KUMOKAN_DEBUG"):
        call_command("demo_otp", "approver")
