"""In Chromium: a re-check order answered and closed, a termination taken to 廃止済み, the operation gate."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.models import RecheckOrder
from kumokan.lifecycle.tests.factories import city, entry, in_operation, reload

PASSWORD = "kumokan-browser-test-pw"


def _with_password(*users: Any) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _switch(page: Page, login: Callable[[Page, str, str], None], user: Any) -> None:
    page.context.clear_cookies()
    login(page, user.username, PASSWORD)


@pytest.mark.browser
def test_a_recheck_order_is_answered_by_the_manager_and_closes(page: Page, login, screenshot) -> None:
    c = city("kobe")
    e = in_operation(c)
    _with_password(c.security_manager, e.service_manager)

    login(page, c.security_manager.username, PASSWORD)
    page.goto("/lifecycle/orders/new/")
    page.get_by_label("確認を指示する理由").select_option("vulnerability")
    page.get_by_label("提供者の全サービス").check()
    # Kobe calls the provider 外部サービス提供者 (its pack's terms), on this form as on every page.
    page.get_by_label("外部サービス提供者").select_option(str(e.service.provider_id))
    page.get_by_label("確認する内容").fill(
        "認証基盤の脆弱性が公表された。影響の有無を確認し、速やかに報告すること。"
    )
    page.get_by_label("回答期限").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="指示する").click()
    expect(page.locator("#order-status")).to_have_text("回答待ち")
    expect(page.locator("#answers")).to_contain_text(e.service_name)
    screenshot(page, "ordered")

    _switch(page, login, e.service_manager)
    page.goto("/lifecycle/")
    page.locator("#my-work").get_by_role("link", name=f"{e}").first.click()
    page.get_by_label("適合", exact=True).check()
    page.locator("textarea[name=note]").fill("多要素認証を設定済みで、影響はない。")
    page.get_by_role("button", name="回答を送る").click()
    expect(page.locator("#order-status")).to_have_text("完了")
    expect(page.locator("#answers")).to_contain_text("多要素認証を設定済み")
    assert RecheckOrder.objects.get().closed_at is not None


@pytest.mark.browser
def test_a_termination_is_taken_to_retired(page: Page, login, screenshot) -> None:
    # Kobe 3.7③ (crypto-erase) applies where resident information (住民情報等) is stored.
    c = city("kobe")
    e = in_operation(c, handles_personal_info=True)
    _with_password(e.service_manager, c.security_manager)
    login(page, e.service_manager.username, PASSWORD)

    page.goto(f"/lifecycle/entries/{e.pk}/termination/")
    page.get_by_label("利用を終了する理由").fill("後継の電子申請基盤へ移行するため。")
    page.get_by_role("button", name="利用終了の手続きを始める").click()
    expect(page.locator("#crypto-erase")).to_contain_text("3.7③")
    expect(page.locator("#crypto-erase")).to_contain_text("No.19")

    plan = page.locator("#step-plan")
    plan.get_by_label("移行計画又は終了計画").fill(
        "令和8年3月末までに後継基盤へデータを移行し、旧環境を停止する。"
    )
    plan.get_by_label("計画書（任意）").set_input_files(
        files=[{"name": "移行計画書.txt", "mimeType": "text/plain", "buffer": "移行計画".encode()}]
    )
    plan.get_by_role("button", name="記録する").click()
    page.locator("#step-notice").get_by_label("周知の方法").fill("庁内ポータルで周知")
    page.locator("#step-notice").get_by_role("button", name="記録する").click()

    # Kobe 7.1①: nothing is disposed of before the 情報セキュリティ管理者 approves the application.
    expect(page.locator("#approval-status")).to_have_text("承認待ち")
    expect(page.locator("#approval")).to_contain_text("7.1①")
    disposal = page.locator("#step-disposal")
    disposal.get_by_label("暗号化消去（暗号鍵の削除）").check()
    disposal.get_by_label("暗号鍵のバックアップも全て削除した").check()
    disposal.get_by_label("廃棄の記録").fill("暗号鍵を削除した。")
    disposal.get_by_role("button", name="記録する").click()
    expect(page.locator("#step-disposal")).to_contain_text(
        "情報セキュリティ管理者が利用中止の申請を承認した後"
    )
    screenshot(page, "disposal-before-approval-refused")

    _switch(page, login, c.security_manager)
    page.goto(f"/lifecycle/entries/{e.pk}/termination/")
    page.locator("#step-approval").get_by_label("承認時の記録（任意）").fill("移行先を確認した。")
    page.get_by_role("button", name="利用中止の申請を承認する").click()
    expect(page.locator("#approval-status")).to_have_text("承認")
    screenshot(page, "approved")

    _switch(page, login, e.service_manager)
    page.goto(f"/lifecycle/entries/{e.pk}/termination/")
    disposal = page.locator("#step-disposal")
    disposal.get_by_label("職員による削除").check()
    disposal.get_by_label("廃棄の記録").fill("全データを削除した。")
    disposal.get_by_role("button", name="記録する").click()
    expect(page.locator("#step-disposal")).to_contain_text("暗号鍵")
    screenshot(page, "crypto-erase-refused")
    disposal = page.locator("#step-disposal")
    disposal.get_by_label("暗号化消去（暗号鍵の削除）").check()
    disposal.get_by_label("暗号鍵のバックアップも全て削除した").check()
    disposal.get_by_label("廃棄の記録").fill(
        "暗号鍵とそのバックアップを削除し、提供者の消去証明書を受領した。"
    )
    disposal.get_by_role("button", name="記録する").click()

    for step in ("user_accounts", "admin_accounts", "special_accounts"):
        form = page.locator(f"#step-{step}")
        form.get_by_label("削除した").check()
        form.get_by_role("button", name="記録する").click()

    page.locator("#step-complete").get_by_label("完了の記録").fill("全ての手順の実施を確認した。")
    page.get_by_role("button", name="完了を記録して廃止する").click()
    expect(page.locator("#entry-status")).to_have_text("廃止済み")
    expect(page.locator("#termination-status")).to_have_text("完了")
    assert reload(e).status == EntryStatus.RETIRED


@pytest.mark.browser
def test_the_gate_refuses_operation_until_the_build_items_are_confirmed(
    page: Page, login, screenshot
) -> None:
    e = entry(city("kitakyushu", overlays=()))
    _with_password(e.service_manager)
    login(page, e.service_manager.username, PASSWORD)

    def start_operation() -> None:
        page.goto(f"/ledger/{e.pk}/")
        page.get_by_role("button", name="運用開始").click()
        # The ledger asks again before it changes the status.
        page.locator("main form button.button--primary").click()

    start_operation()
    # Refused, the manager lands on the open items as a checklist and confirms them in one go.
    expect(page).to_have_url(f"{page.url.split('/lifecycle')[0]}/lifecycle/entries/{e.pk}/#gate")
    expect(page.locator(".messages")).to_contain_text("まだ運用を開始できません")
    expect(page.locator("#gate-progress")).to_contain_text("3件中0件確認済み")
    expect(page.locator("#gate")).to_contain_text("3.3③(ア)")
    screenshot(page, "refused")
    assert reload(e).status == EntryStatus.APPROVED

    gate = page.locator("#gate")
    for box in gate.get_by_role("checkbox").all():
        box.check()
    gate.get_by_label("確認の方法").fill("手順書を確認した。")
    gate.get_by_role("button", name="チェックした項目を確認済みにする").click()
    expect(page.locator(".messages")).to_contain_text("3件を確認済みにしました")
    expect(page.locator("#gate")).to_contain_text("運用を開始できます")
    expect(page.locator("#gate-progress")).to_contain_text("3件中3件確認済み")

    start_operation()
    expect(page.locator(".messages")).to_contain_text("稼働中")
    assert reload(e).status == EntryStatus.IN_OPERATION
