"""In Chromium: issuing a token on its page and using it in the browsable API docs, with the CSP on."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import ConsoleMessage, Page, expect

from kumokan.api.models import ApiToken
from kumokan.core.actors import SYSTEM
from kumokan.tenancy.actions import create_municipality, grant_membership

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page: Page) -> list[str]:
    """Console errors, page errors and CSP violations, collected as they happen."""
    problems: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", record)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    return problems


@pytest.mark.browser
def test_issue_a_token_and_try_it_in_the_api_docs(page: Page, login, screenshot) -> None:
    kobe = create_municipality(acting_user=SYSTEM, slug="kobe", name="神戸市", pack_id="kobe")
    user = get_user_model().objects.create_user("tanaka", password="correct horse battery", last_name="田中")
    grant_membership(acting_user=SYSTEM, user=user, municipality=kobe, role="staff")
    problems = watch(page)
    login(page, "tanaka", "correct horse battery")

    page.goto("/api-tokens/")
    page.get_by_label("名前").fill("集計スクリプト")
    page.get_by_role("button", name="発行する").click()
    text = page.locator("#issued-token-text").input_value()
    assert text.startswith("kmk_")
    expect(page.locator("#issued-token")).to_contain_text("二度と表示されません")
    screenshot(page, "issued")
    violations = page.evaluate("window.cspViolations")

    page.goto("/api/v1/docs")
    page.get_by_role("button", name="Authorize").click()
    page.locator(".modal-ux input").fill(text)
    page.locator(".modal-ux .auth-btn-wrapper button.authorize").click()
    page.locator(".modal-ux .auth-btn-wrapper button.btn-done").click()
    page.locator("#operations-me-me").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(page.locator(".live-responses-table")).to_contain_text('"username": "tanaka"')
    screenshot(page, "docs")
    violations += page.evaluate("window.cspViolations")

    page.goto("/api-tokens/")
    page.get_by_role("button", name="「集計スクリプト」を失効させる").click()
    expect(page.locator(".message--success")).to_contain_text("失効させました")
    assert ApiToken.objects.get().revoked_at is not None
    violations += page.evaluate("window.cspViolations")

    assert violations == []
    assert problems == []
