"""Signing out ends both sessions; a person the provider stops confirming is signed out at the next re-check."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.accounts.choices import LinkMethod, RefusalReason
from kumokan.accounts.models import ExternalIdentity, SignInRefusal
from kumokan.accounts.sso import SESSION_KEY
from kumokan.accounts.tests.conftest import sso
from kumokan.accounts.tests.test_sso_linking import signed_in_as


@pytest.fixture
def tanaka(idp, test_provider, person):
    user = person("tanaka", "applicant")
    ExternalIdentity.objects.create(
        provider=idp, subject="sub-tanaka", user=user, method=LinkMethod.ADMINISTRATOR
    )
    test_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True)
    return user


def overdue(client: Client) -> None:
    """Move the session's last check an hour back, past any re-check interval."""
    session = client.session
    kept = session[SESSION_KEY]
    kept["checked_at"] -= 3600
    session[SESSION_KEY] = kept
    session.save()


def test_signing_out_also_ends_the_providers_session(client: Client, idp, tanaka, browser) -> None:
    sso(client, browser, "sub-tanaka")
    assert signed_in_as(client) == tanaka

    response = client.post("/logout/")

    assert response["Location"].startswith(idp.end_session_endpoint + "?")
    assert "id_token_hint=" in response["Location"]
    assert signed_in_as(client) is None
    assert browser.visit(response["Location"]) == "/login/"
    # On a shared PC the next click on the button asks for a sign-in at the provider again.
    with pytest.raises(AssertionError, match="asked the person to sign in"):
        sso(Client(), browser, None)


def test_without_an_end_session_endpoint_signing_out_stays_at_kumokan(
    client: Client, idp, tanaka, browser
) -> None:
    idp.end_session_endpoint = ""
    idp.save()
    sso(client, browser, "sub-tanaka")

    response = client.post("/logout/")

    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_a_person_disabled_at_the_provider_is_signed_out_at_the_next_check(
    client: Client, idp, tanaka, test_provider, browser
) -> None:
    sso(client, browser, "sub-tanaka")
    assert client.get("/").status_code == 200
    test_provider.disable("sub-tanaka")

    assert client.get("/").status_code == 200  # not yet due
    overdue(client)
    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_as(client) is None
    assert "認証基盤がサインインを確認しなくなった" in client.get("/login/").content.decode()
    refusal = SignInRefusal.objects.get()
    assert (refusal.reason, refusal.user) == (RefusalReason.SESSION_ENDED, tanaka)


def test_a_person_still_active_at_the_provider_stays_signed_in(client: Client, idp, tanaka, browser) -> None:
    sso(client, browser, "sub-tanaka")
    overdue(client)
    before = client.session[SESSION_KEY]["checked_at"]

    assert client.get("/").status_code == 200
    assert client.session[SESSION_KEY]["checked_at"] > before
    assert signed_in_as(client) == tanaka


def test_an_unlinked_account_is_signed_out_at_the_next_check(client: Client, idp, tanaka, browser) -> None:
    sso(client, browser, "sub-tanaka")
    ExternalIdentity.objects.all().delete()
    overdue(client)

    assert client.get("/")["Location"] == "/login/"
    assert signed_in_as(client) is None
