"""In Chromium: the ISMAP list read, reported and imported; a contractor's submission confirmed by its
department's 情報管理者等 (Kobe §5.3)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kumokan.applications import actions
from kumokan.applications.choices import Status
from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.catalog.models import Certification
from kumokan.catalog.tests import factories as cf
from kumokan.catalog.tests.ismap_sample import COLUMNS, row, workbook
from kumokan.catalog.validity import ismap_valid_until
from kumokan.tenancy.choices import Role

PASSWORD = "kumokan-browser-test-pw"


def _with_password(*users: Any) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.mark.browser
def test_the_ismap_list_is_read_reported_and_imported(
    page: Page, login: Callable, screenshot: Callable, tmp_path: Path
) -> None:
    c = f.city("kobe")
    cf.service(c.municipality, "電子申請サービス")
    _with_password(c.security_manager)
    columns = tuple(reversed(COLUMNS))  # another order than the portal's
    audit_end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)  # last month's end
    audit = f"{audit_end.year - 1}/{audit_end.month}/1～{audit_end:%Y/%m/%d}"
    upload = tmp_path / "ismap_cloud_service_list.xlsx"
    upload.write_bytes(
        workbook(
            [
                row("C21-0005-2", "電子申請サービス", "株式会社クラウド自治", audit=audit),
                row("C22-0099-1", "どこかのサービス", "当市と取引のない株式会社", audit=audit),
            ],
            columns=columns,
        ).read()
    )

    login(page, c.security_manager.username, PASSWORD)
    page.get_by_role("link", name="外部サービス一覧").click()  # Kobe's word (003 1.1)
    page.get_by_role("link", name="ISMAP クラウドサービスリストの取込み").click()
    page.get_by_label("クラウドサービスリスト（.xlsx）").set_input_files(str(upload))
    page.get_by_role("button", name="リストを読み取る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("試行（未反映）")
    expect(page.locator("#catalog-heading + h3 + ul")).to_contain_text("C21-0005-2")
    screenshot(page, "dry-run")
    assert not Certification.objects.exists()

    page.get_by_role("button", name="この内容で取り込む").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("取込み済み")
    page.goto("/catalog/")
    page.get_by_role("link", name="株式会社クラウド自治").click()
    expect(page.get_by_role("row", name="ISMAP")).to_contain_text(f"{ismap_valid_until(audit_end):%Y-%m-%d}")
    expect(page.get_by_role("row", name="ISMAP")).to_contain_text("有効")
    page.get_by_role("link", name="ISMAP", exact=True).click()
    expect(page.locator("main")).to_contain_text("ISMAP 基本規程 3.5")
    screenshot(page, "certification")


@pytest.mark.browser
def test_a_contractor_s_submission_is_confirmed_by_its_information_manager(
    page: Page, login: Callable, screenshot: Callable
) -> None:
    c = f.city("kobe")
    contractor = f.member(c.municipality, Role.CONTRACTOR, c.department, last_name="佐々木", first_name="恵")
    own = f.draft(c, applicant=contractor, service_name="保育施設見守りカメラ", operated_by_contractor=True)
    f.answer_all(own)
    f.explain_blocking(own)
    own = actions.submit(acting_user=contractor, application=own)
    f.draft(c, service_name="職員だけの下書き")
    _with_password(contractor, c.applicant)

    login(page, contractor.username, PASSWORD)
    page.goto("/applications/")
    expect(page.locator("main")).to_contain_text("保育施設見守りカメラ")
    expect(page.locator("main")).not_to_contain_text("職員だけの下書き")
    screenshot(page, "contractor-list")

    page.context.clear_cookies()
    login(page, c.applicant.username, PASSWORD)
    page.goto("/approvals/")
    page.get_by_role("link", name="保育施設見守りカメラ").first.click()
    if "/approvals/" not in page.url:
        page.get_by_role("link", name="決裁する").click()
    expect(page.locator("main")).to_contain_text("情報管理者等")
    page.get_by_label("承認").check()
    screenshot(page, "confirm")
    page.get_by_role("button", name="決定を記録する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("承認")
    assert Application.objects.get(pk=own.pk).status == Status.APPROVED
