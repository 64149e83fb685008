"""In Chromium: an administrator uploads a pack revision, reads what it changes and whom, and adopts it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kumokan.core.actors import SYSTEM
from kumokan.lifecycle.actions.packs import adopt_pack_version
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import OSAKA_APPROVER, city, in_operation
from kumokan.lifecycle.tests.test_pack_page import REVISED, _revised
from kumokan.lifecycle.tests.test_pack_revision import IAAS_ONLY_ITEM, _installed
from kumokan.tenancy.models import PackVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple 7"


def test_an_administrator_adopts_a_revision_from_the_rules_page(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any], tmp_path: Path
) -> None:
    c = city("osaka", approver=OSAKA_APPROVER)
    adopt_pack_version(acting_user=SYSTEM, municipality=c.municipality, text=_installed("osaka"))
    iaas = in_operation(c, service_name="共通基盤サーバ", service_model="iaas")
    c.administrator.set_password(PASSWORD)
    c.administrator.save(update_fields=["password"])
    revision = tmp_path / "osaka.yaml"
    revision.write_text(_revised(), encoding="utf-8")

    login(page, c.administrator.username, PASSWORD)
    page.goto("/lifecycle/settings/")
    with page.expect_navigation():
        page.get_by_role("link", name="規程（パック）: 改訂のアップロードと採用").click()
    page.get_by_label("改訂したパック（YAML）").set_input_files(str(revision))
    with page.expect_navigation():
        page.get_by_role("button", name="改訂を確認する").click()
    expect(page.locator("ul.changes")).to_contain_text(IAAS_ONLY_ITEM)
    expect(page.locator("ul.changes")).to_contain_text("を変更")
    expect(page.locator("ul.affected")).to_contain_text("共通基盤サーバ")
    screenshot(page, "preview")
    assert not PackVersion.objects.filter(version=REVISED).exists()

    with page.expect_navigation():
        page.get_by_role("button", name="この版を採用する").click()
    expect(page.locator(".message--success")).to_contain_text("再確認を 1 件開きました")
    with page.expect_navigation():
        page.get_by_role("link", name=REVISED).click()
    expect(page.locator("pre.pack-text")).to_contain_text("OS を含む全てのソフトウェア")
    opened = Recheck.objects.filter(trigger=RecheckTrigger.PACK_REVISION)
    assert list(opened.values_list("entry", flat=True)) == [iaas.pk]
