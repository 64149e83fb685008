from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.tests.oidc import (
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET_VARIABLE,
    ProviderBrowser,
    TestProvider,
)
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.models import Municipality

PASSWORD = "long enough passphrase 42"


@pytest.fixture
def kobe(db: Any) -> Municipality:
    return create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")


@pytest.fixture
def person(kobe: Municipality) -> Any:
    """person("name", "role"): a user of Kobe holding that city-wide role, with PASSWORD."""

    def person(username: str, role: str | None = None, **fields: Any) -> Any:
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
        if role:
            grant_membership(acting_user=SYSTEM, user=user, municipality=kobe, role=role)
        return user

    return person


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    """The password step through the real login form (not force_login, which completes both factors)."""
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture(scope="session")
def test_provider(tmp_path_factory: Any) -> Iterator[TestProvider]:
    """One real OpenID Connect provider per test process, on a free loopback port."""
    provider = TestProvider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


def configure_provider(
    test_provider: TestProvider, slug: str, municipality: str, **options: Any
) -> IdentityProvider:
    """The city's provider as an administrator sets it up: `manage.py sso_provider` from discovery."""
    call_command(
        "sso_provider",
        slug,
        municipality=municipality,
        name=f"{slug} 職員認証基盤",
        issuer=test_provider.issuer,
        client_id=CLIENT_ID,
        secret_env=SECRET_VARIABLE,
        stdout=StringIO(),
        **options,
    )
    return IdentityProvider.objects.get(slug=slug)


@pytest.fixture
def idp(test_provider: TestProvider, kobe: Municipality, monkeypatch: Any) -> Iterator[IdentityProvider]:
    """Kobe's identity provider: the loopback test provider, its secret in an environment variable."""
    monkeypatch.setenv(SECRET_VARIABLE, CLIENT_SECRET)
    yield configure_provider(test_provider, "kobe", "kobe")
    test_provider.impostor_key(False)


@pytest.fixture
def provider_browser() -> ProviderBrowser:
    return ProviderBrowser()


def sso(client: Any, provider_browser: ProviderBrowser, login: str | None, slug: str = "kobe") -> Any:
    """Start single sign-on at kumokan, sign in at the provider as `login`, bring the answer back."""
    start = client.get(f"/sso/{slug}/")
    assert start.status_code == 302, start
    return client.get(provider_browser.visit(start["Location"], login))
