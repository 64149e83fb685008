"""The production settings, each checked in a fresh process with only the variables given."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_manage(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("KUMOKAN_")
        and name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["KUMOKAN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update(variables)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_finds_nothing_to_warn_about_in_production(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KUMOKAN_DEBUG="false",
        KUMOKAN_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        KUMOKAN_ALLOWED_HOSTS="kumokan.city.example.jp",
        KUMOKAN_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", KUMOKAN_DEBUG="false")

    assert result.returncode != 0
    assert "KUMOKAN_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_settings_refuse_an_unclear_debug_value(tmp_path: Path, value: str) -> None:
    result = run_manage(tmp_path, "check", KUMOKAN_DEBUG=value)

    assert result.returncode != 0
    assert "KUMOKAN_DEBUG must be true or false" in result.stderr


def test_settings_refuse_a_malformed_proxy_header(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path, "check", KUMOKAN_DEBUG="true", KUMOKAN_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    )

    assert result.returncode != 0
    assert "KUMOKAN_SECURE_PROXY_SSL_HEADER must be HEADER,VALUE" in result.stderr


def test_a_server_error_is_logged_to_stderr_in_production(tmp_path: Path) -> None:
    """With DEBUG off, an unhandled error in a request reaches the log (the pen test found none)."""
    script = (
        "from django.test import Client\n"
        "from django.urls import path\n"
        "import kumokan.config.urls as urls\n"
        "def boom(request): raise RuntimeError('boom in a view')\n"
        "urls.urlpatterns.append(path('boom/', boom))\n"
        "response = Client(raise_request_exception=False).get('/boom/', secure=True)\n"
        "print(response.status_code)\n"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        KUMOKAN_DEBUG="false",
        KUMOKAN_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        KUMOKAN_ALLOWED_HOSTS="testserver",
    )

    assert result.stdout.strip().endswith("500"), result.stderr
    assert "ERROR django.request" in result.stderr
    assert "RuntimeError: boom in a view" in result.stderr
