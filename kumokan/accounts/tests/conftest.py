from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from kumokan.accounts.models import IdentityProvider
from kumokan.accounts.tests.oidc import (
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET_VARIABLE,
    ProviderBrowser,
    TestProvider,
)
from kumokan.accounts.tests.saml_idp import TestIdP, key_pair, post_form, visit_idp
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership
from kumokan.tenancy.models import Municipality

PASSWORD = "long enough passphrase 42"
SAML_CITIES = ("kobe", "amagasaki")


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


# SAML 2.0: a real pysaml2 IdP per city on loopback (kumokan.accounts.tests.saml_idp).


@pytest.fixture(scope="session")
def saml_keys(tmp_path_factory: Any) -> tuple[Path, Path]:
    """kumokan's SAML key and certificate, in files as KUMOKAN_SAML_KEY_FILE/KUMOKAN_SAML_CERT_FILE name them."""
    return key_pair(tmp_path_factory.mktemp("saml-sp"), "kumokan-sp")


@pytest.fixture(scope="session")
def saml_idps(tmp_path_factory: Any) -> Iterator[dict[str, TestIdP]]:
    """Kobe's and Amagasaki's SAML IdPs, each on its own free loopback port, for the whole test process."""
    idps = {city: TestIdP(tmp_path_factory.mktemp(f"saml-{city}"), f"{city}-idp") for city in SAML_CITIES}
    yield idps
    for idp in idps.values():
        idp.stop()


def configure_saml(
    client: Any, test_idp: TestIdP, slug: str, municipality: str, **options: Any
) -> IdentityProvider:
    """The city's IdP set up as its administrators do: `manage.py saml_provider` from the IdP's metadata
    URL on kumokan's side, kumokan's SP metadata (served by kumokan) registered at the IdP."""
    call_command(
        "saml_provider",
        slug,
        municipality=municipality,
        name=f"{slug} SAML認証基盤",
        metadata=test_idp.entity_id,
        stdout=StringIO(),
        **options,
    )
    metadata = client.get(f"/sso/{slug}/saml/metadata/")
    assert metadata.status_code == 200, metadata.content[:500]
    test_idp.trust(metadata.content.decode())
    return IdentityProvider.objects.get(slug=slug)


@pytest.fixture
def saml_sp(settings: Any, saml_keys: tuple[Path, Path]) -> None:
    settings.SAML_KEY_FILE, settings.SAML_CERT_FILE = (str(path) for path in saml_keys)


@pytest.fixture
def saml_idp(saml_idps: dict[str, TestIdP], saml_sp: None) -> Iterator[TestIdP]:
    """Kobe's IdP, reset to a well-behaved one for each test."""
    for idp in saml_idps.values():
        idp.reset()
    yield saml_idps["kobe"]
    for idp in saml_idps.values():
        idp.reset()


@pytest.fixture
def saml_provider(saml_idp: TestIdP, kobe: Municipality) -> IdentityProvider:
    """Kobe's SAML provider (its e-mail attribute kept by the city's directory)."""
    return configure_saml(Client(), saml_idp, "kobe-saml", "kobe", email_verified=True)


def saml_post(client: Any, path: str, fields: dict[str, str]) -> Any:
    """POST the IdP's form to kumokan's ACS, and kumokan's own re-post page if it answers with one."""
    response = client.post(path, fields)
    if response.status_code == 200 and b'id="saml-continue"' in response.content:
        action, fields = post_form(response.content.decode())
        response = client.post(action, fields)
    return response


def saml_answer(client: Any, slug: str = "kobe-saml") -> tuple[str, dict[str, str]]:
    """Start SAML sign-on at kumokan and take the IdP's answer (not yet posted): ACS path, form fields."""
    start = client.get(f"/sso/{slug}/")
    assert start.status_code == 302, start
    return visit_idp(start["Location"])


def saml_sso(client: Any, slug: str = "kobe-saml") -> Any:
    """Start SAML sign-on at kumokan, let the IdP answer for the person signed in there, post it back."""
    return saml_post(client, *saml_answer(client, slug))
