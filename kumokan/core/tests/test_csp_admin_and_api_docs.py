"""The strict CSP holds on the pages we did not write: Django's admin and the API docs run no inline script."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import ConsoleMessage, Page

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + (event.sample || ""));
});
"""
PAGES = [
    "/admin/",
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/audit/auditevent/",
    "/admin/axes/accessattempt/",
    "/admin/tenancy/municipality/",
    "/api/v1/docs",
    "/accounts/two-factor/",
    "/accounts/two-factor/enrol/",
]


@pytest.mark.browser
def test_admin_and_api_docs_load_without_csp_violations(page: Page, login, screenshot) -> None:
    admin = get_user_model().objects.create_superuser("kanri", password="long enough passphrase 42")
    problems: list[str] = []

    def record(message: ConsoleMessage) -> None:
        # Chromium asks the admin pages (which name no icon) for /favicon.ico: not a page's own resource.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, "kanri", "long enough passphrase 42")
    violations: list[str] = []
    page.goto(f"/admin/auth/user/{admin.pk}/change/")
    page.wait_for_load_state("load")
    violations += page.evaluate("window.cspViolations")
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        violations += [f"{path}: {v}" for v in page.evaluate("window.cspViolations")]
    screenshot(page, "enrol")

    assert violations == []
    assert problems == []
