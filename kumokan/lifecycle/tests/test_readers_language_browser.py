"""In Chromium: a refused lifecycle step and the ledger's history read in the reader's language (issue 17
point 3). The same service manager, the same entry: on the Japanese page the refusal and the history's
reason are Japanese, after switching to English they are English; a reason the manager typed stays as
typed in both."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.tests.factories import city, entry, in_operation, reload

PASSWORD = "kumokan-browser-test-pw"


def take_step(page: Page, entry_id: int, step: str, button: str, reason: str, confirm: str) -> None:
    """Ask for a step on the entry's page with a reason, then confirm it on the page that asks again."""
    page.goto(f"/ledger/{entry_id}/")
    page.locator(f"#reason-{step}").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_role("button", name=confirm).click()


def reasons(page: Page) -> list[str]:
    return page.locator("table.changes tbody td.prose").all_inner_texts()


@pytest.mark.browser
def test_a_refused_step_and_the_history_read_in_japanese_then_in_english(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., object]
) -> None:
    c = city("kobe")
    e = in_operation(c)  # operation started with no reason typed
    entries.suspend(acting_user=e.service_manager, entry=reload(e), reason="提供者の障害のため")
    entries.resume(acting_user=e.service_manager, entry=reload(e), reason="Provider fixed it")
    e.service_manager.set_password(PASSWORD)
    e.service_manager.save(update_fields=["password"])
    login(page, e.service_manager.username, PASSWORD)

    # Kobe §7: retiring needs the termination procedure first.
    take_step(page, e.pk, "retire", "廃止", "契約が終わるため", "廃止する")
    expect(page.locator(".messages")).to_contain_text("利用終了の届出がありません")
    assert reasons(page) == ["Provider fixed it", "提供者の障害のため", "運用開始"]
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    screenshot(page, "ja")

    page.locator("form.language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    take_step(page, e.pk, "retire", "Retire", "The contract ends", "Yes: Retire")
    expect(page.locator(".messages")).to_contain_text("No termination has been requested for this service")
    expect(page.locator(".messages")).not_to_contain_text("利用終了")
    assert reasons(page) == ["Provider fixed it", "提供者の障害のため", "Start operation"]
    screenshot(page, "en")
    assert reload(e).status == EntryStatus.IN_OPERATION


@pytest.mark.browser
def test_the_operation_gate_refuses_in_the_readers_language(
    page: Page, login: Callable[[Page, str, str], None]
) -> None:
    e = entry(city("kitakyushu", overlays=()))
    e.service_manager.set_password(PASSWORD)
    e.service_manager.save(update_fields=["password"])
    login(page, e.service_manager.username, PASSWORD)

    take_step(page, e.pk, "start_operation", "運用開始", "", "運用開始する")
    expect(page.locator(".messages")).to_contain_text("まだ運用を開始できません")

    page.locator("form.language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    take_step(page, e.pk, "start_operation", "Start operation", "", "Yes: Start operation")
    expect(page.locator(".messages")).to_contain_text("Operation cannot start yet")
    assert reload(e).status == EntryStatus.APPROVED
