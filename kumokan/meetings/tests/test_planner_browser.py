"""The planner in real Chromium: a preset fills the form, the checklist shows, the invitation copies."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kumokan.applications.tests.factories import city

PASSWORD = "correct horse battery staple"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_host_plans_a_meeting_on_important_information_from_the_example(
    page: Page, login, screenshot
) -> None:
    staff = city("kitakyushu").staff
    staff.set_password(PASSWORD)
    staff.save()
    login(page, staff.username, PASSWORD)

    page.goto("/meetings/planner/")
    page.get_by_role("link", name="重要情報資産を取り扱う会議").click()
    expect(page.get_by_label("重要情報資産を取り扱う（会議で話す・画面や資料で示す）")).to_be_checked()
    expect(page.get_by_label("組織外の参加者がいる")).to_be_checked()
    page.get_by_label("会議名").fill("個人情報保護審査会")
    page.get_by_role("button", name="対策を表示").click()

    expect(page.get_by_role("heading", name="主催者の対策")).to_be_visible()
    expect(page.locator(".checklist__item", has_text="別経路で組織外参加者に安全に届ける")).to_contain_text(
        "6.4(1)③"
    )
    invitation = page.locator("#invitation-text")
    assert "別経路" in invitation.input_value()
    assert "件名：ウェブ会議のご案内（個人情報保護審査会）" in invitation.input_value()
    screenshot(page, "plan")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="案内文をコピー").click()
    expect(page.get_by_role("button", name="コピーしました")).to_be_visible()
    assert "別経路" in page.evaluate("navigator.clipboard.readText()")

    page.emulate_media(media="print")
    expect(page.locator(".planner")).to_be_hidden()
    expect(page.get_by_role("heading", name="主催者の対策")).to_be_visible()
    screenshot(page, "print")
