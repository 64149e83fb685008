"""In Chromium: the ledger edit form offers as service manager whom the city's rule allows. Amagasaki
((２以上)3⑷): the 課室長等 of the owning department only; the administrator hands the entry over to
another head of that department."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kumokan.applications.tests import factories as f
from kumokan.ledger.models import LedgerEntry
from kumokan.tenancy.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple 15c"


def test_amagasaki_edit_form_offers_the_owning_departments_heads_only(
    page: Page, login: Callable[[Page, str, str], None], screenshot: Callable[..., Any]
) -> None:
    c = f.city("amagasaki", overlays=())
    entry = f.entry(c)
    successor = f.member(
        c.municipality, Role.DEPARTMENT_HEAD, c.department, last_name="後任", first_name="課長"
    )
    c.administrator.set_password(PASSWORD)
    c.administrator.save(update_fields=["password"])

    login(page, c.administrator.username, PASSWORD)
    page.goto(f"/ledger/{entry.pk}/edit/")
    options = page.locator("#id_service_manager option")
    texts = [t.strip() for t in options.all_inner_texts() if t.strip() and not t.startswith("-")]
    assert sorted(texts) == sorted(["住民 課長", "後任 課長"])
    screenshot(page, "candidates")

    page.locator("#id_service_manager").select_option(str(successor.pk))
    page.get_by_label("変更の理由").fill("人事異動")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_contain_text("後任 課長")
    assert LedgerEntry.objects.get(pk=entry.pk).service_manager == successor
