"""The ledger's history gives the reason in the reader's language (issue 17 point 3): a reason the system
wrote (the step taken when none was typed, a corrective action that cannot be corrected) is kept as its
msgid and read in Japanese on the Japanese page and in English on the English one; a person's own reason is
shown as they typed it, on both. The change reported to the システム管理部門 says why in both languages too."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.ledger.models import LedgerChange, LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.incidents import close_corrective_action, open_corrective_action
from kumokan.lifecycle.tests.factories import City, city, in_operation, reload
from kumokan.notifications.choices import Verb
from kumokan.notifications.models import Notification

pytestmark = pytest.mark.django_db


def reasons_on_page(client: Client, entry: LedgerEntry, language: str) -> list[str]:
    """The history's reason column, newest first, as the page in `language` shows it."""
    response = client.get(f"/ledger/{entry.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    cells = re.findall(r'<td class="prose">(.*?)</td>', response.content.decode(), re.S)
    return [html.unescape(cell.replace("<br>", "\n")).strip() for cell in cells]


def uncorrectable(c: City, entry: LedgerEntry, result: str) -> LedgerEntry:
    action = open_corrective_action(
        acting_user=c.security_manager,
        entry=entry,
        description="管理者アカウントに多要素認証を設定する。",
        owner=entry.service_manager,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    close_corrective_action(acting_user=entry.service_manager, action=action, corrected=False, result=result)
    return reload(entry)


def test_a_step_taken_without_a_reason_is_named_in_each_readers_language(client: Client) -> None:
    c = city("kobe")
    entry = in_operation(c)  # operation started with no reason typed
    client.force_login(c.chief)

    assert reasons_on_page(client, entry, "ja") == ["運用開始"]
    assert reasons_on_page(client, entry, "en") == ["Start operation"]
    change = LedgerChange.objects.get(entry=entry)
    assert (change.reason, change.reason_msgid, change.reason_params) == ("", "Start operation", {})


def test_a_service_that_cannot_be_corrected_reads_so_in_each_language_with_the_result_as_typed(
    client: Client,
) -> None:
    c = city("kobe")
    entry = uncorrectable(c, in_operation(c), "提供者が多要素認証に対応していない。")
    client.force_login(c.chief)

    assert (
        reasons_on_page(client, entry, "ja")[0]
        == "是正できないため利用停止: 提供者が多要素認証に対応していない。"
    )
    assert (
        reasons_on_page(client, entry, "en")[0] == "Cannot be corrected: 提供者が多要素認証に対応していない。"
    )
    change = entry.changes.first()
    assert change.reason == "" and change.reason_msgid == "Cannot be corrected: %(result)s"
    assert change.reason_params == {"result": "提供者が多要素認証に対応していない。"}


def test_a_reason_a_person_typed_is_shown_as_typed_in_both_languages(client: Client) -> None:
    c = city("kobe")
    entry = in_operation(c)
    entries.suspend(
        acting_user=entry.service_manager, entry=entry, reason="Vendor outage\n提供者の障害のため"
    )
    client.force_login(c.chief)

    for language in ("ja", "en"):
        assert reasons_on_page(client, entry, language)[0] == "Vendor outage\n提供者の障害のため"
    change = reload(entry).changes.first()
    assert (change.reason, change.reason_msgid) == ("Vendor outage\n提供者の障害のため", "")


def test_a_typed_reason_is_escaped_on_the_page(client: Client) -> None:
    c = city("kobe")
    entry = uncorrectable(c, in_operation(c), "<script>alert(1)</script>")
    client.force_login(c.chief)

    page = client.get(f"/ledger/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "Cannot be corrected: &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_reported_change_says_why_in_each_language() -> None:
    c = city("kitakyushu", overlays=())  # ledger changes are reported to the システム管理部門 (3.3②)
    entry = uncorrectable(c, in_operation(c, manager=c.head), "提供者が多要素認証に対応していない。")

    report = Notification.objects.filter(verb=Verb.LEDGER_CHANGED, text__contains="停止中").latest("pk")

    assert (
        "停止中」になりました。是正できないため利用停止: 提供者が多要素認証に対応していない。" in report.text
    )
    assert "Suspended. Cannot be corrected: 提供者が多要素認証に対応していない。" in report.text_en
    assert entry.status == "suspended"
