"""In Chromium: a demo built from a pack that is no seed city's runs the journey (issue 19 points 6-7)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from kumokan.applications.models import Application
from kumokan.applications.tests.test_journey_browser import answer_selection, log_out
from kumokan.ledger.models import LedgerEntry
from kumokan.policy.loader import PACK_DIR
from kumokan.tenancy.access import users_with_role
from kumokan.tenancy.choices import Role
from kumokan.tenancy.models import Department, Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-pass-for-the-browser-9"
EXAMPLES = sorted(p.stem for p in PACK_DIR.glob("example-*.yaml"))


@pytest.mark.parametrize("city", EXAMPLES)
def test_an_example_citys_demo_applies_approves_and_ledgers_a_high_track_service(
    city: str,
    page: Page,
    login: Callable[[Page, str, str], None],
    screenshot: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUMOKAN_DEMO_PASSWORD", PASSWORD)
    call_command("demo", city, stdout=StringIO())
    municipality = Municipality.objects.get(slug=city)
    pack = municipality.pack().pack
    assert pack.classification is not None and pack.tracks is not None and pack.tracks.high.approver
    jumin = Department.objects.get(municipality=municipality, code="jumin")
    # The demo's people are found by the role the pack gives them, whatever their usernames.
    # The high track's applicant is the role the pack names (routing.may_apply), e.g. the 課長.
    applicant_role = Role(pack.tracks.high.applicant.role.value)
    applicant = users_with_role(municipality, applicant_role, jumin).order_by("username").first()
    approver_role = Role(pack.tracks.high.approver.role.value)
    approver = users_with_role(municipality, approver_role).order_by("username").first()
    assert applicant is not None and approver is not None

    login(page, applicant.username, PASSWORD)
    page.goto("/applications/new/")
    page.get_by_label("サービス名").fill("ブラウザ試験用の電子契約サービス")
    page.get_by_label("クラウドサービス提供者").fill("株式会社サインクラウド")
    page.get_by_label("利用目的").fill("契約書の電子締結")
    page.locator("#id_certifications input[value='ISMAP']").check()
    page.locator("#id_confidentiality").select_option(pack.classification.confidentiality.high_track_from)
    expect(page.locator("#judgment")).to_contain_text(pack.tracks.high.label)
    expect(page.locator("#judgment")).to_contain_text(pack.tracks.high.approver.title)
    screenshot(page, "facts")
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認事項へ").click()
    answer_selection(page)
    with page.expect_navigation():
        page.get_by_role("button", name="保存して確認へ").click()
    with page.expect_navigation():
        page.get_by_role("button", name="申請する").click()
    expect(page.locator("h1 .badge")).to_have_text("審査中")
    log_out(page)

    login(page, approver.username, PASSWORD)
    page.goto("/approvals/")
    with page.expect_navigation():
        page.get_by_role("link", name="ブラウザ試験用の電子契約サービス").click()
    page.get_by_label("承認").check()
    manager = page.locator("#id_service_manager")
    if manager.count():  # the approver names the manager (みどり野市 第40条第4項第3号)
        manager.select_option(index=1)
    screenshot(page, "decide")
    with page.expect_navigation():
        page.get_by_role("button", name="決定を記録する").click()
    expect(page.locator("h1 .badge")).to_have_text("承認")

    page.goto("/ledger/")
    expect(page.locator("table.ledger tbody tr", has_text="ブラウザ試験用の電子契約サービス")).to_be_visible()
    screenshot(page, "ledger")
    application = Application.objects.get(
        municipality=municipality, service__name="ブラウザ試験用の電子契約サービス"
    )
    assert LedgerEntry.objects.filter(application=application).exists()
