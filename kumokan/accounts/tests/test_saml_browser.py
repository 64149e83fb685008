"""SAML sign-on in real Chromium: kumokan on the live server, the city's pysaml2 IdP on its own loopback
port (another site: the IdP's form posts to kumokan without kumokan's SameSite=Lax session cookie, so
kumokan's own page sends it on)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model

from kumokan.accounts.models import ExternalIdentity
from kumokan.accounts.tests.conftest import PASSWORD
from kumokan.accounts.tests.saml_idp import TestIdP
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership


@pytest.mark.browser
def test_first_link_later_sign_in_and_single_logout(
    page: Any, live_server: Any, saml_idp: TestIdP, screenshot: Any
) -> None:
    from django.core.management import call_command

    # The live server's first request imports every view: before the browser starts counting.
    requests.get(f"{live_server.url}/login/", timeout=120)
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    tanaka = get_user_model().objects.create_user("tanaka", email="tanaka@city.kobe.lg.jp", password=PASSWORD)
    grant_membership(acting_user=SYSTEM, user=tanaka, municipality=kobe, role="applicant")
    call_command(
        "saml_provider",
        "kobe-saml",
        municipality="kobe",
        name="神戸市 SAML認証基盤",
        metadata=saml_idp.entity_id,
        email_verified=True,
    )
    metadata = requests.get(f"{live_server.url}/sso/kobe-saml/saml/metadata/", timeout=30)
    saml_idp.trust(metadata.text)
    saml_idp.person("p-tanaka", mail="tanaka@city.kobe.lg.jp", sn="田中", givenName="一郎")
    saml_idp.login = "p-tanaka"
    sign_in_link = "神戸市: 神戸市 SAML認証基盤でサインイン"

    acs_posts: list[str] = []
    page.on(
        "request",
        lambda request: (
            acs_posts.append(request.post_data or "")
            if request.method == "POST" and "/saml/acs/" in request.url
            else None
        ),
    )

    page.goto("/login/")
    page.get_by_role("link", name=sign_in_link).click()
    page.wait_for_url("**/sso/link/")
    # The IdP's post (another site: no session cookie), then kumokan's own page's, which is checked.
    assert live_server.url.split(":")[1] != saml_idp.base.split(":")[1]
    assert len(acs_posts) == 2 and "kumokan_reposted=1" in acs_posts[1]
    screenshot(page, "saml-confirm-link")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.subject) == (tanaka, "p-tanaka")
    assert "田中 一郎" in page.locator(".header-tools").inner_text()

    # Sign out: kumokan, then the IdP's single logout, then back to kumokan's sign-in page.
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(f"{live_server.url}/login/")
    assert saml_idp.logouts == ["p-tanaka"] and saml_idp.login is None
    screenshot(page, "saml-signed-out")

    # Signed in at the IdP again: the NameID alone signs in, no new link.
    saml_idp.login = "p-tanaka"
    page.get_by_role("link", name=sign_in_link).click()
    page.wait_for_url(f"{live_server.url}/")
    assert ExternalIdentity.objects.count() == 1
    assert "田中 一郎" in page.locator(".header-tools").inner_text()
