"""In production (KUMOKAN_DEBUG false) a receiver is reached over https only; a malformed allowed
network stops kumokan from starting. Each checked in a fresh process, as the other settings are."""

from __future__ import annotations

import secrets
from pathlib import Path

from kumokan.core.tests.test_settings import run_manage

PRODUCTION = {
    "KUMOKAN_DEBUG": "false",
    "KUMOKAN_SECRET_KEY": secrets.token_urlsafe(50)[:50],
    "KUMOKAN_ALLOWED_HOSTS": "kumokan.city.example.jp",
}


def test_production_requires_https_and_allows_no_private_network_by_default(tmp_path: Path) -> None:
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.WEBHOOK_REQUIRE_HTTPS, settings.WEBHOOK_ALLOWED_NETWORKS)",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True []"


def test_a_malformed_allowed_network_is_refused(tmp_path: Path) -> None:
    result = run_manage(tmp_path, "check", KUMOKAN_WEBHOOK_ALLOWED_NETWORKS="10.0.0.0/33", **PRODUCTION)
    assert result.returncode != 0
    assert "KUMOKAN_WEBHOOK_ALLOWED_NETWORKS" in result.stderr


def test_production_allows_the_web_ports_and_reads_ranges(tmp_path: Path) -> None:
    show = "from django.conf import settings; print(settings.WEBHOOK_ALLOWED_PORTS)"
    result = run_manage(tmp_path, "shell", "-c", show, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[(80, 80), (443, 443), (8443, 8443)]"
    ranged = run_manage(
        tmp_path, "shell", "-c", show, KUMOKAN_WEBHOOK_ALLOWED_PORTS="443, 9000-9010", **PRODUCTION
    )
    assert ranged.stdout.strip().splitlines()[-1] == "[(443, 443), (9000, 9010)]"


def test_a_malformed_allowed_port_is_refused(tmp_path: Path) -> None:
    for ports in ("https", "0", "443-80", "70000"):
        result = run_manage(tmp_path, "check", KUMOKAN_WEBHOOK_ALLOWED_PORTS=ports, **PRODUCTION)
        assert result.returncode != 0, ports
        assert "KUMOKAN_WEBHOOK_ALLOWED_PORTS" in result.stderr
