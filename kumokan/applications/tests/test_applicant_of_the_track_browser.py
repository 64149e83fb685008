"""In Chromium: Kitakyushu's 重要情報資産 track is applied for by the 所属長 (001 5.2(1)①). A plain
applicant's high-track facts are refused on the form with the clause, the same facts on the other
track are saved; the head of the department saves the high-track application."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple 15"


def with_password(*people: Any) -> None:
    for person in people:
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])


def fill_facts(page: Page, *, confidentiality: str) -> None:
    page.goto("/applications/new/")
    page.get_by_label("サービス名").fill("電子契約サービス")
    page.get_by_label("クラウドサービス提供者").fill("株式会社サインクラウド")
    page.get_by_label("機能名").fill("電子締結")
    page.get_by_label("利用目的").fill("契約書の電子締結")
    page.locator("#id_certifications input[value='ISMAP']").check()
    page.locator("#id_confidentiality").select_option(confidentiality)


def save(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認事項へ").click()


def test_kitakyushu_plain_applicant_is_refused_on_the_important_track_and_the_head_applies(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any]
) -> None:
    c = f.city("kitakyushu", overlays=())
    with_password(c.applicant, c.head)

    login(page, c.applicant.username, PASSWORD)
    fill_facts(page, confidentiality="第2種")
    save(page)
    alert = page.locator("main .alert--error")
    expect(alert).to_contain_text("所属長が行います")
    expect(alert).to_contain_text("5.2(1)①")
    screenshot(page, "refused")
    assert not Application.objects.exists()

    page.locator("#id_confidentiality").select_option("その他")
    save(page)
    expect(page).to_have_url(f"/applications/{Application.objects.get().pk}/checklist/")
    assert Application.objects.get().applicant == c.applicant

    page.context.clear_cookies()
    login(page, c.head.username, PASSWORD)
    fill_facts(page, confidentiality="第2種")
    save(page)
    application = Application.objects.get(applicant=c.head)
    expect(page).to_have_url(f"/applications/{application.pk}/checklist/")
    assert application.judgment.track == "high"
    screenshot(page, "head-applies")
