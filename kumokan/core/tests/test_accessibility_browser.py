"""Every page kind of each city's journey, checked in Chromium by axe-core (npm, installed by scripts/test
into kumokan/core/tests/axe): no serious or critical violation of WCAG 2.1 A/AA. The approval queue, the
judgment panel and the dashboard are saved as screenshots at 1280 and 390 px wide, to be looked at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from kumokan.applications.tests import factories as applying
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, city, entry

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "kumokan-axe-test-pw"
SEVERE = ("serious", "critical")
RUN_AXE = """async () => {
    const result = await axe.run(document, {runOnly: {type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
    return result.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture
def axe_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A Japanese staff member's browser that lets the test add axe to the page (the site's CSP would not)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run scripts/test, or npm ci in kumokan/core/tests/axe")
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 800},
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _with_password(*users: Any) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _check(page: Page, url: str, found: dict[str, Any]) -> None:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE)
    if violations:
        found[url] = violations


def _both_widths(page: Page, screenshot: Any, name: str) -> None:
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"{name}-390")
    # On a phone the page never scrolls sideways: wide tables scroll in their own box.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, name
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.browser
@pytest.mark.parametrize("slug", ["amagasaki", "kitakyushu", "osaka", "kobe"])
def test_every_page_kind_of_the_journey_has_no_serious_accessibility_violation(
    axe_page: Page, login: Any, screenshot: Any, slug: str
) -> None:
    c = city(slug, approver=OSAKA_APPROVER) if slug == "osaka" else city(slug)
    approved = entry(c)
    manager = approved.service_manager
    task = ChecklistTask.objects.filter(entry=approved).first()
    applicant = c.head if slug == "kitakyushu" else c.applicant
    pending = applying.submitted(c, applicant=applicant, service_name="ウェブ会議サービス")
    draft = applying.draft(c, applicant=applicant, service_name="電子契約サービス")
    decider = applying.high_track_approver(c)
    _with_password(applicant, decider, manager)
    found: dict[str, Any] = {}
    page = axe_page

    login(page, applicant.username, PASSWORD)
    for url in (
        "/",
        "/applications/",
        "/applications/new/",
        f"/applications/{draft.pk}/checklist/",
        f"/applications/{draft.pk}/review/",
        f"/applications/{pending.pk}/",
        "/no-such-page/",
    ):
        _check(page, url, found)

    page.context.clear_cookies()
    login(page, decider.username, PASSWORD)
    _check(page, "/approvals/", found)
    _both_widths(page, screenshot, "queue")
    _check(page, f"/approvals/{pending.pk}/", found)
    _both_widths(page, screenshot, "judgment")

    page.context.clear_cookies()
    login(page, manager.username, PASSWORD)
    for url in (
        "/ledger/",
        f"/ledger/{approved.pk}/",
        f"/ledger/{approved.pk}/edit/",
        f"/lifecycle/entries/{approved.pk}/",
        f"/lifecycle/tasks/{task.pk}/",
        f"/lifecycle/entries/{approved.pk}/termination/",
        "/lifecycle/incidents/new/",
        "/lifecycle/",
    ):
        _check(page, url, found)
    _both_widths(page, screenshot, "dashboard")
    page.context.clear_cookies()
    _check(page, "/login/", found)

    assert not found, found
