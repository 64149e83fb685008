"""Signing out ends both sessions; a person the provider stops confirming is signed out at the next re-check."""

from __future__ import annotations

from html import unescape
from typing import Any

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


def end_session_url(response: Any) -> str:
    """Where the signed-out page sends the browser on (a meta refresh and a link to the same URL)."""
    assert response.status_code == 200
    html = response.content.decode()
    url = html.split('id="end-provider-session" href="', 1)[1].split('"', 1)[0]
    assert f'content="0;url={url}"' in html
    return unescape(url)


def test_signing_out_also_ends_the_providers_session(client: Client, idp, tanaka, provider_browser) -> None:
    sso(client, provider_browser, "sub-tanaka")
    assert signed_in_as(client) == tanaka

    response = client.post("/logout/")

    end_session = end_session_url(response)
    assert end_session.startswith(idp.end_session_endpoint + "?")
    assert "id_token_hint=" in end_session
    assert signed_in_as(client) is None
    assert provider_browser.visit(end_session) == "/login/"
    # On a shared PC the next click on the button asks for a sign-in at the provider again.
    with pytest.raises(AssertionError, match="asked the person to sign in"):
        sso(Client(), provider_browser, None)


def test_without_an_end_session_endpoint_signing_out_stays_at_kumokan(
    client: Client, idp, tanaka, provider_browser
) -> None:
    idp.end_session_endpoint = ""
    idp.save()
    sso(client, provider_browser, "sub-tanaka")

    response = client.post("/logout/")

    assert response.status_code == 200 and "end-provider-session" not in response.content.decode()
    assert signed_in_as(client) is None


def test_a_person_disabled_at_the_provider_is_signed_out_at_the_next_check(
    client: Client, idp, tanaka, test_provider, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")
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


def test_a_person_still_active_at_the_provider_stays_signed_in(
    client: Client, idp, tanaka, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")
    overdue(client)
    before = client.session[SESSION_KEY]["checked_at"]

    assert client.get("/").status_code == 200
    assert client.session[SESSION_KEY]["checked_at"] > before
    assert signed_in_as(client) == tanaka


def test_an_unlinked_account_is_signed_out_at_the_next_check(
    client: Client, idp, tanaka, provider_browser
) -> None:
    sso(client, provider_browser, "sub-tanaka")
    ExternalIdentity.objects.all().delete()
    overdue(client)

    assert client.get("/")["Location"] == "/login/"
    assert signed_in_as(client) is None
