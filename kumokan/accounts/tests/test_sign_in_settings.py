"""Session, cookie and single-sign-on settings, each read in a fresh process with only the variables given."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.conf import settings

from kumokan.core.tests.test_settings import run_manage

PRODUCTION = {
    "KUMOKAN_DEBUG": "false",
    "KUMOKAN_SECRET_KEY": secrets.token_urlsafe(50)[:50],
    "KUMOKAN_ALLOWED_HOSTS": "kumokan.city.example.jp",
}
OIDC = {
    "KUMOKAN_OIDC_RP_CLIENT_ID": "kumokan",
    "KUMOKAN_OIDC_RP_CLIENT_SECRET": "s3cret",
    "KUMOKAN_OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.city.example.jp/authorize",
    "KUMOKAN_OIDC_OP_TOKEN_ENDPOINT": "https://idp.city.example.jp/token",
    "KUMOKAN_OIDC_OP_USER_ENDPOINT": "https://idp.city.example.jp/userinfo",
    "KUMOKAN_OIDC_OP_JWKS_ENDPOINT": "https://idp.city.example.jp/jwks",
}
READ = """
import json
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
call_command("check", deploy=True, fail_level="WARNING")
try:
    sso = reverse("oidc_authentication_init")
except NoReverseMatch:
    sso = None
print(json.dumps({name: getattr(settings, name) for name in [
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SECURE_HSTS_SECONDS", "AUTHENTICATION_BACKENDS"]} | {"sso": sso}))
"""


def read_settings(tmp_path: Path, **variables: str) -> dict:
    """The settings a production process gets from these variables (after a clean check --deploy)."""
    result = run_manage(tmp_path, "shell", "-c", READ, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_sessions_last_a_working_day_and_sso_is_off(tmp_path: Path) -> None:
    values = read_settings(tmp_path, **PRODUCTION)

    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SESSION_COOKIE_AGE"] <= 8 * 60 * 60
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert not values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["sso"] is None
    assert "kumokan.accounts.oidc.CityOIDCBackend" not in values["AUTHENTICATION_BACKENDS"]
    assert not settings.OIDC_ENABLED


def test_single_sign_on_is_on_with_its_variables_and_throttling_stays_first(tmp_path: Path) -> None:
    values = read_settings(tmp_path, **PRODUCTION, **OIDC, KUMOKAN_SESSION_EXPIRE_AT_BROWSER_CLOSE="true")

    assert values["sso"] == "/oidc/authenticate/"
    assert values["AUTHENTICATION_BACKENDS"][0] == "kumokan.accounts.backends.LoginThrottleBackend"
    assert "kumokan.accounts.oidc.CityOIDCBackend" in values["AUTHENTICATION_BACKENDS"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]


def test_single_sign_on_refuses_half_a_configuration(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", **PRODUCTION, KUMOKAN_OIDC_RP_CLIENT_ID="kumokan")

    assert result.returncode != 0
    assert "KUMOKAN_OIDC_OP_TOKEN_ENDPOINT" in result.stderr
