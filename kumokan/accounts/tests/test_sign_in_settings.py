"""Session and cookie settings, each read in a fresh process with only the variables given."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from kumokan.core.tests.test_settings import run_manage

PRODUCTION = {
    "KUMOKAN_DEBUG": "false",
    "KUMOKAN_SECRET_KEY": secrets.token_urlsafe(50)[:50],
    "KUMOKAN_ALLOWED_HOSTS": "kumokan.city.example.jp",
}
READ = """
import json
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
print(json.dumps({name: getattr(settings, name) for name in [
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SECURE_HSTS_SECONDS", "AUTHENTICATION_BACKENDS"]}))
"""


def read_settings(tmp_path: Path, **variables: str) -> dict:
    """The settings a production process gets from these variables (after a clean check --deploy)."""
    result = run_manage(tmp_path, "shell", "-c", READ, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_sessions_last_a_working_day(tmp_path: Path) -> None:
    values = read_settings(tmp_path, **PRODUCTION)

    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    assert values["SESSION_COOKIE_AGE"] <= 8 * 60 * 60
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert not values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["AUTHENTICATION_BACKENDS"][0] == "kumokan.accounts.backends.LoginThrottleBackend"


def test_sessions_may_end_when_the_browser_closes(tmp_path: Path) -> None:
    values = read_settings(tmp_path, **PRODUCTION, KUMOKAN_SESSION_EXPIRE_AT_BROWSER_CLOSE="true")

    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]


def test_the_old_deployment_wide_provider_is_refused_with_directions(tmp_path: Path) -> None:
    # One provider for every city matched accounts on claims (issue 20): it must not come back silently.
    result = run_manage(tmp_path, "check", **PRODUCTION, KUMOKAN_OIDC_RP_CLIENT_ID="kumokan")

    assert result.returncode != 0
    assert "KUMOKAN_OIDC_RP_CLIENT_ID" in result.stderr and "sso_provider" in result.stderr
