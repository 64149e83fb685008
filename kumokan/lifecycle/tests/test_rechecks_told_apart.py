"""Issue 17: two scheduled re-checks of one service read apart on the dashboard and in the calendar feed,
by their rule and interval beside the trigger and the due date (with its 和暦)."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.test import Client
from django.utils import timezone

from kumokan.lifecycle.actions.calendar import regenerate_calendar_feed
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tests.factories import city, in_operation

pytestmark = pytest.mark.django_db

# Amagasaki's high track has three periodic rules and states no interval for any: three re-checks,
# each due one interval (the municipality's 12 months) after operation starts, the same day.
ACCESS_RIGHTS_JA = "クラウドサービスの各利用者に割り当てたアクセス権限に対して、定期的な見直し"
SERVICE_LEVEL_JA = "クラウドサービス提供者に対して定期的にサービスのサービスレベルを確認する。"
ACCESS_RIGHTS_EN = "Review the access rights assigned to each user periodically"
SERVICE_LEVEL_EN = "Check the service level with the provider periodically."


MY_RECHECKS = "//ul[@id='my-rechecks']/li"
COMING_DUE = "//section[@id='coming-due']//tbody/tr"


def _three_rechecks_due_in(days: int) -> tuple[Client, list[Recheck]]:
    e = in_operation(city("amagasaki", overlays=()))
    rechecks = list(Recheck.objects.filter(entry=e))
    assert len(rechecks) == 3 and len({r.due_date for r in rechecks}) == 1
    Recheck.objects.filter(entry=e).update(due_date=timezone.localdate() + datetime.timedelta(days=days))
    client = Client()
    client.force_login(e.service_manager)
    return client, rechecks


def _texts(page: str, path: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in lxml.html.fromstring(page).xpath(path)]


def test_the_managers_rechecks_to_answer_name_their_rule_and_interval_in_each_language() -> None:
    client, _rechecks = _three_rechecks_due_in(30)

    japanese = _texts(client.get("/lifecycle/").content.decode(), MY_RECHECKS)
    english = _texts(
        client.get("/lifecycle/", headers={"accept-language": "en"}).content.decode(), MY_RECHECKS
    )

    assert len(set(japanese)) == 3 and len(set(english)) == 3
    # Two of them are 定期確認, told apart by their rule alone.
    assert sum("— 定期確認：" in line for line in japanese) == 2
    day = timezone.localdate() + datetime.timedelta(days=30)
    for line in japanese:
        assert "（12か月ごと）" in line and f"期限 {day.isoformat()}（令和" in line
    assert any(ACCESS_RIGHTS_JA in line for line in japanese)
    assert any(SERVICE_LEVEL_JA in line for line in japanese)
    for line in english:
        assert "(every 12 months)" in line and day.isoformat() in line
    assert any(ACCESS_RIGHTS_EN in line for line in english)
    assert any(SERVICE_LEVEL_EN in line for line in english)


def test_the_coming_due_list_and_the_calendar_feed_tell_the_rechecks_apart() -> None:
    client, rechecks = _three_rechecks_due_in(30)

    rows = _texts(client.get("/lifecycle/").content.decode(), COMING_DUE)

    assert len(rows) == 3 and len(set(rows)) == 3
    assert any(ACCESS_RIGHTS_JA in row and "（12か月ごと）" in row for row in rows)
    feed = regenerate_calendar_feed(acting_user=rechecks[0].entry.service_manager)
    ics = Client().get(f"/lifecycle/calendar/{feed.token}.ics").content.decode()
    assert ics.count("BEGIN:VEVENT") == 3
    assert "サービスレベル" in ics.replace("\r\n ", "")


def test_the_reminders_and_the_overdue_notices_say_what_each_rule_asks_and_the_date_with_its_wareki() -> None:
    from kumokan.lifecycle.actions.rechecks import escalate_recheck, remind_recheck
    from kumokan.notifications.models import Notification

    _client, rechecks = _three_rechecks_due_in(30)
    manager = rechecks[0].entry.service_manager
    today = timezone.localdate()
    day = today + datetime.timedelta(days=30)

    for recheck in rechecks:
        assert remind_recheck(recheck, today=today)
    reminders = Notification.objects.filter(user=manager, text__contains="の期限は")

    assert reminders.count() == 3
    assert len({n.text for n in reminders}) == 3 and len({n.text_en for n in reminders}) == 3
    for n in reminders:
        assert (
            f"期限は{day.isoformat()}（令和" in n.text
            and "確認内容：" in n.text
            and "（12か月ごと）" in n.text
        )
        assert f"is due on {day.isoformat()} (R" in n.text_en and "It asks: " in n.text_en
        # The trigger in the reader's language too (it was the Japanese label in the English text).
        assert n.text_en.startswith(("The Periodic check of", "The Access-right review of")), n.text_en
    assert any(SERVICE_LEVEL_JA in n.text for n in reminders)
    assert any(SERVICE_LEVEL_EN in n.text_en for n in reminders)

    for recheck in rechecks:
        assert escalate_recheck(recheck, today=day + datetime.timedelta(days=1))
    overdue = Notification.objects.filter(user=manager, text__contains="を過ぎても回答されていません")
    assert len({n.text for n in overdue}) == 3
    assert all(f"期限の{day.isoformat()}（令和" in n.text for n in overdue)
