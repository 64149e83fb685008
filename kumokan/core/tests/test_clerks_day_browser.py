"""A clerk's day in each city's demo, in Chromium (issue 17 points 5, 7, 8, 9 and 10): the gate as a
checklist confirmed several items at once, the manager's dashboard grouped by service with what is not due
folded, a retired service with nothing left open, an unknown address answered in the site's layout, clause
numbers drawn by kumokan's own font and dates with their 和暦. Screenshots are saved to be looked at."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kumokan.demo.load import load_demo
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-password-for-the-clerk-9"
PROGRESS = re.compile(r"(\d+)件中(\d+)件確認済み")
ENCLOSED = re.compile("[\u2460-\u2487]")


def _progress(page: Page) -> tuple[int, int]:
    found = PROGRESS.search(page.locator("#gate-progress").inner_text())
    assert found, page.locator("#gate-progress").inner_text()
    return int(found.group(1)), int(found.group(2))


def _drawn_by_our_font(page: Page, selector: str) -> int:
    """How many glyphs of the first element matching `selector` Chromium drew with kumokan's subset."""
    page.evaluate("() => document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return sum(f["glyphCount"] for f in fonts if f["familyName"] == "kumokan enclosed")


@pytest.mark.parametrize("slug", ["kitakyushu", "amagasaki", "osaka", "kobe"])
def test_a_clerks_day_in_the_demo(
    slug: str, page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any]
) -> None:
    report = load_demo(slug, PASSWORD)
    entries = LedgerEntry.objects.filter(municipality=report.municipality)
    waiting = entries.filter(status=EntryStatus.APPROVED).select_related("service_manager").first()
    gone = entries.filter(status=EntryStatus.RETIRED).select_related("service_manager").first()
    assert waiting is not None and gone is not None
    login(page, waiting.service_manager.username, PASSWORD)

    # 5. The gate: the open items as a list with links, several confirmed at once, progress shown.
    page.goto(f"/lifecycle/entries/{waiting.pk}/")
    required, confirmed = _progress(page)
    assert confirmed < required
    items = page.locator("#gate li.gate__item")
    assert items.count() == required - confirmed
    expect(items.first.get_by_role("link", name="項目を開く")).to_be_visible()
    boxes = page.locator("#gate input[type=checkbox]")
    ticked = min(2, boxes.count())
    for i in range(ticked):
        boxes.nth(i).check()
    page.locator("#gate textarea").fill("手順書と納品物で確認した。")
    screenshot(page, "gate")
    with page.expect_navigation():
        page.get_by_role("button", name="チェックした項目を確認済みにする").click()
    assert _progress(page) == (required, confirmed + ticked)

    # 9. A citation's clause numbers (4⑴ア, 3.3③) are drawn by the vendored subset.
    cited = page.locator("#gate small").filter(has_text=ENCLOSED)
    if cited.count():
        cited.first.evaluate("e => e.id = 'cited-clause'")
        assert _drawn_by_our_font(page, "#cited-clause") >= 1

    # 7. The manager's dashboard: one group per service, the items not due folded away.
    page.goto("/lifecycle/")
    groups = page.locator("section.service-tasks")
    assert groups.count() >= 1
    later = page.locator("details.later-tasks")
    for i in range(later.count()):
        assert later.nth(i).get_attribute("open") is None
    screenshot(page, "dashboard-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "dashboard-390")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    # 10. A date box is text showing the ISO date with its 和暦 beside.
    page.goto(f"/ledger/{waiting.pk}/edit/")
    assert page.locator("#id_period_start").get_attribute("type") == "text"
    expect(page.locator("main")).to_contain_text("令和")

    # 8. Retired means finished: nothing 未着手, 実施中 or 報告済み on its pages, read by its manager.
    page.context.clear_cookies()
    login(page, gone.service_manager.username, PASSWORD)
    for url in (f"/lifecycle/entries/{gone.pk}/", f"/ledger/{gone.pk}/"):
        page.goto(url)
        text = page.locator("main").inner_text()
        assert "廃止済み" in text, url
        for word in ("未着手", "実施中", "報告済み"):
            assert word not in text, (url, word)

    # 7. An address that does not exist: the site's layout, its navigation and a way back.
    response = page.goto("/lifecycle/entries/999999999/")
    assert response is not None and response.status == 404
    expect(page.locator("nav").first).to_be_visible()
    expect(page.locator("main").get_by_role("link").first).to_be_visible()
    screenshot(page, "not-found")


def test_a_blocking_finding_is_explained_on_the_review_page_where_it_blocks(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any]
) -> None:
    # Point 6: the review page that refuses a 要対応 finding has the field to explain it.
    from kumokan.applications.tests import factories as applying

    c = applying.city("kobe")
    application = applying.draft(c, required_clauses_present=False)
    applying.answer_all(application)
    c.applicant.set_password(PASSWORD)
    c.applicant.save(update_fields=["password"])
    login(page, c.applicant.username, PASSWORD)
    page.goto(f"/applications/{application.pk}/review/")
    finding = page.locator("#finding-kobe-required_clauses_missing")
    expect(finding).to_contain_text("要対応")
    expect(page.get_by_role("button", name="申請する")).to_be_disabled()
    screenshot(page, "1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "390")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    finding.get_by_role("textbox").fill("提供者と特約を締結し、必要な条項を担保している。")
    with page.expect_navigation():
        finding.get_by_role("button", name="説明を保存する").click()
    expect(page.locator("#finding-kobe-required_clauses_missing")).to_have_count(0)
    expect(page.get_by_role("button", name="申請する")).to_be_enabled()


def test_each_unexplained_finding_in_the_refusal_links_to_its_explanation_field(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any]
) -> None:
    # Point 6: the box that says why the application cannot be submitted leads to each field to fill.
    from kumokan.applications.tests import factories as applying

    c = applying.city("kobe")
    application = applying.draft(c, required_clauses_present=False, terms_only=True)
    applying.answer_all(application)
    c.applicant.set_password(PASSWORD)
    c.applicant.save(update_fields=["password"])
    login(page, c.applicant.username, PASSWORD)
    page.goto(f"/applications/{application.pk}/review/")

    refusal = page.locator(".alert--warning")
    links = refusal.get_by_role("link")
    fields = page.locator("#findings .finding textarea")
    assert links.count() == fields.count() == 2
    for i in range(2):
        expect(links.nth(i)).to_contain_text("説明がありません")
        assert links.nth(i).get_attribute("href") == f"#{fields.nth(i).get_attribute('id')}"
    screenshot(page, "ja")

    page.set_viewport_size({"width": 1280, "height": 500})
    links.nth(1).click()
    expect(fields.nth(1)).to_be_in_viewport()
    assert page.url.endswith(links.nth(1).get_attribute("href") or "-")
    screenshot(page, "followed")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("form.language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/applications/{application.pk}/review/")
    assert links.count() == 2
    expect(links.first).to_contain_text("A blocking finding has no explanation")
    screenshot(page, "en")
