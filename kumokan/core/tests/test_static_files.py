import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

KUMOKAN = Path(__file__).resolve().parents[2]
# XML namespace names look like addresses but are never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg"}
EXTERNAL = re.compile(r"""https?://[^\s"'<>)]+|(?:src|href|action)\s*=\s*["']//""", re.IGNORECASE)
TEXT_SUFFIXES = {".html", ".txt", ".css", ".js", ".svg", ".json"}


@pytest.mark.django_db
def test_htmx_is_served_from_our_own_static_files(client: Client) -> None:
    page = client.get("/login/").content.decode()
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer></script>' in page

    response = client.get("/static/vendor/htmx/htmx.min.js")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"var htmx=")


@pytest.mark.browser
def test_chromium_runs_htmx_version_2(page: Page) -> None:
    page.goto("/login/")

    assert page.evaluate("htmx.version").startswith("2.")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False


def test_no_template_or_static_file_refers_to_another_host() -> None:
    files = [
        path
        for path in KUMOKAN.rglob("*")
        if path.suffix in TEXT_SUFFIXES
        and path.is_file()
        and {"templates", "static"} & set(path.relative_to(KUMOKAN).parts)
    ]
    assert files, "no templates or static files found"

    found = {
        f"{path.relative_to(KUMOKAN)}: {match}"
        for path in files
        for match in EXTERNAL.findall(path.read_text(encoding="utf-8"))
        if match not in NAMESPACES
    }

    assert found == set()


def test_collectstatic_leaves_out_the_api_docs_bundle_that_loads_from_a_cdn(tmp_path: Path, settings) -> None:
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)

    assert (tmp_path / "ninja" / "swagger-ui-bundle.js").is_file()
    assert (tmp_path / "vendor" / "htmx" / "htmx.min.js").is_file()
    assert sorted(p.name for p in (tmp_path / "ninja").iterdir() if p.name.startswith("redoc")) == []
