"""The journey in real Chromium: apply with the live judgment, decide, and find the service in the ledger."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple 7"
Login = Callable[[Page, str, str], None]
Shot = Callable[..., Any]


def with_password(*people: Any) -> None:
    for person in people:
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.locator(".header-tools form[action='/logout/'] button").click()


def fill_facts(page: Page, *, confidentiality: str) -> None:
    page.goto("/applications/new/")
    page.get_by_label("サービス名").fill("電子契約サービス")
    page.get_by_label("外部サービス提供者").fill("株式会社サインクラウド")  # Kobe's word (1.1)
    page.get_by_label("利用目的").fill("契約書の電子締結")
    page.locator("#id_certifications input[value='ISMAP']").check()
    page.locator("#id_confidentiality").select_option(confidentiality)


def answer_selection(page: Page) -> None:
    """Answer every item of the selection phase as the checklist page offers it."""
    for fieldset in page.locator("#phase-selection .checklist__item fieldset").all():
        accept = fieldset.locator("input[value='accepted']")
        if accept.count():
            accept.check()
            fieldset.locator("textarea").fill("規約を確認し、受容できると判断した。")
        else:
            fieldset.locator("input[value='conforms']").check()


def apply(page: Page, login: Login, applicant: Any, *, confidentiality: str, screenshot: Shot) -> Application:
    login(page, applicant.username, PASSWORD)
    fill_facts(page, confidentiality=confidentiality)
    judgment = page.locator("#judgment")
    # The badge says Kobe's short words (5.3), its title the long label.
    track = "機密性２以上" if confidentiality != "1" else "機密性１"
    expect(judgment.locator(".badge").first).to_have_text(track)
    screenshot(page, "facts")
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認事項へ").click()
    answer_selection(page)
    screenshot(page, "checklist")
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認へ").click()
    expect(page.locator(".alert--success")).to_be_visible()
    screenshot(page, "review")
    with page.expect_navigation():
        page.get_by_role("button", name="申請する").click()
    return Application.objects.get(applicant=applicant)


def test_journey_applicant_applies_and_the_approver_approves(
    page: Page, login: Login, screenshot: Shot
) -> None:
    city = f.city()
    with_password(city.applicant, city.security_manager)

    apply(page, login, city.applicant, confidentiality="2", screenshot=screenshot)
    expect(page.locator("h1 .badge")).to_have_text("審査中")
    log_out(page)

    login(page, city.security_manager.username, PASSWORD)
    page.goto("/approvals/")
    with page.expect_navigation():
        page.get_by_role("link", name="電子契約サービス").click()
    screenshot(page, "decide")
    page.get_by_label("承認").check()
    with page.expect_navigation():
        page.get_by_role("button", name="決定を記録する").click()
    expect(page.locator("h1 .badge")).to_have_text("承認")

    page.goto("/ledger/")
    row = page.locator("table.ledger tbody tr", has_text="電子契約サービス")
    expect(row).to_contain_text("申請 花子")  # Kobe §5.2.1③: the applicant becomes the manager
    screenshot(page, "ledger")
    entry = LedgerEntry.objects.get()
    assert entry.service_manager == city.applicant


def test_journey_returned_application_is_corrected_and_submitted_again(
    page: Page, login: Login, screenshot: Shot
) -> None:
    city = f.city()
    application = f.decided(city, f.Outcome.RETURNED, reason="利用目的を具体的に記載してください。")
    with_password(city.applicant)

    login(page, city.applicant.username, PASSWORD)
    expect(page.locator("main")).to_contain_text("差戻し")
    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("main")).to_contain_text("利用目的を具体的に記載してください。")
    screenshot(page, "returned")
    page.get_by_role("link", name="申請を続ける").click()
    page.get_by_label("利用目的").fill("住民票の写しの交付申請をオンラインで受け付ける")
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認事項へ").click()
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認へ").click()
    with page.expect_navigation():
        page.get_by_role("button", name="再申請する").click()

    expect(page.locator("h1 .badge")).to_have_text("審査中")
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.facts["purpose"] == "住民票の写しの交付申請をオンラインで受け付ける"


def test_journey_rejection_is_confirmed_before_it_is_made(page: Page, login: Login, screenshot: Shot) -> None:
    city = f.city()
    application = f.submitted(city)
    with_password(city.security_manager)

    login(page, city.security_manager.username, PASSWORD)
    page.goto(f"/approvals/{application.pk}/")
    page.get_by_label("却下").check()
    page.get_by_label("理由").fill("国外の法令が適用され、受容できないため。")
    with page.expect_navigation():
        page.get_by_role("button", name="決定を記録する").click()
    expect(page.locator("h1")).to_contain_text("却下しますか")
    application.refresh_from_db()
    assert application.status == "submitted"
    screenshot(page, "confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="却下する").click()

    expect(page.locator("h1 .badge")).to_have_text("却下")
    application.refresh_from_db()
    assert application.status == "rejected"


def test_journey_kobe_low_track_approves_its_own_use(page: Page, login: Login, screenshot: Shot) -> None:
    city = f.city()
    with_password(city.applicant)

    application = apply(page, login, city.applicant, confidentiality="1", screenshot=screenshot)

    expect(page.locator("h1 .badge")).to_have_text("承認")
    expect(page.locator("main")).to_contain_text("自己承認")
    entry = LedgerEntry.objects.get(application=application)
    assert entry.service_manager == city.applicant  # Kobe §5.2.2②: they become the manager themselves
    assert application.decisions.get().self_approval
