"""Single sign-on in real Chromium: kumokan on the live server, the city's provider on its own loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model

from kumokan.accounts.models import ExternalIdentity
from kumokan.accounts.tests.conftest import PASSWORD, configure_provider
from kumokan.accounts.tests.oidc import CLIENT_SECRET, SECRET_VARIABLE, TestProvider
from kumokan.core.actors import SYSTEM, display_name
from kumokan.tenancy.actions import create_municipality, grant_membership


@pytest.fixture
def live_provider(live_server: Any, tmp_path: Any) -> Iterator[TestProvider]:
    """A provider whose registered callbacks are the live server's."""
    # The live server's first request imports every view (PDF, spreadsheet libraries): seconds on a
    # loaded machine, longer than the page's timeout. Do it before the browser starts counting.
    requests.get(f"{live_server.url}/login/", timeout=120)
    provider = TestProvider(tmp_path, kumokan=live_server.url)
    yield provider
    provider.stop()


@pytest.mark.browser
def test_first_link_later_sign_in_and_sign_out_at_both_ends(
    page: Any, live_server: Any, live_provider: TestProvider, monkeypatch: Any, screenshot: Any
) -> None:
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    tanaka = get_user_model().objects.create_user("tanaka", email="tanaka@city.kobe.lg.jp", password=PASSWORD)
    grant_membership(acting_user=SYSTEM, user=tanaka, municipality=kobe, role="applicant")
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)
    configure_provider(live_provider, "kobe", "kobe")
    live_provider.person("sub-tanaka", email="tanaka@city.kobe.lg.jp", email_verified=True, name="田中 一郎")

    page.goto("/login/")
    screenshot(page, "sign-in-page")
    page.get_by_role("link", name="神戸市: kobe 職員認証基盤でサインイン").click()
    page.locator("input[name=login]").fill("sub-tanaka")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/sso/link/")
    screenshot(page, "confirm-link")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    assert ExternalIdentity.objects.get().user == tanaka
    tanaka.refresh_from_db()
    assert display_name(tanaka) == "田中 一郎"
    assert "田中 一郎" in page.locator(".header-tools").inner_text()

    # Sign out: kumokan, then the provider's own page, then back to kumokan's sign-in page.
    page.get_by_role("button", name="ログアウト").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    screenshot(page, "signed-out")

    # The next person at this PC is asked to sign in at the provider; the same person by sub alone.
    page.get_by_role("link", name="神戸市: kobe 職員認証基盤でサインイン").click()
    page.locator("input[name=login]").fill("sub-tanaka")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert ExternalIdentity.objects.count() == 1


@pytest.mark.browser
def test_refusals_are_pages_and_never_lock_out_the_password_user(
    page: Any, live_server: Any, live_provider: TestProvider, monkeypatch: Any, screenshot: Any, login: Any
) -> None:
    from django.conf import settings

    from kumokan.accounts.models import SignInRefusal

    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    tanaka = get_user_model().objects.create_user("tanaka", email="tanaka@city.kobe.lg.jp", password=PASSWORD)
    grant_membership(acting_user=SYSTEM, user=tanaka, municipality=kobe, role="applicant")
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)
    configure_provider(live_provider, "kobe", "kobe")
    # A provider account whose unverified e-mail is tanaka's: it must sign no one in.
    live_provider.person("sub-x", email="tanaka@city.kobe.lg.jp", email_verified=False)

    page.goto("/login/")
    page.get_by_role("link", name="神戸市: kobe 職員認証基盤でサインイン").click()
    page.locator("input[name=login]").fill("sub-x")
    page.get_by_role("button", name="Sign in").click()
    alert = page.locator("[data-reason]")
    assert alert.get_attribute("data-reason") == "unverified_email"
    screenshot(page, "refused-unverified-email")
    # The same answer again (reload): already used, a page too.
    page.reload()
    assert page.locator("[data-reason]").get_attribute("data-reason") == "state_unknown"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/login/")
        page.get_by_role("link", name="神戸市: kobe 職員認証基盤でサインイン").click()
        assert page.locator("[data-reason]").get_attribute("data-reason") == "unverified_email"

    assert SignInRefusal.objects.count() == settings.AXES_FAILURE_LIMIT + 2
    page.goto("/login/")
    login(page, "tanaka", PASSWORD)
    assert page.url == f"{live_server.url}/"
