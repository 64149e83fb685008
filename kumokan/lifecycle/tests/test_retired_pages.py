"""Retired means finished on every page: a 廃止済み service shows no item 未着手, no corrective action
実施中 and no incident 報告済み (the rule is the retirement's: kumokan.lifecycle.gates, issue 15 point 6)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.incidents import (
    close_corrective_action,
    close_incident,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.tests.factories import city, in_operation, retired

pytestmark = pytest.mark.django_db

UNFINISHED = ("未着手", "実施中", "報告済み")


def test_a_retired_service_shows_nothing_unfinished_on_its_pages() -> None:
    c = city("kobe")
    e = in_operation(c)
    manager = e.service_manager
    incident = report_incident(acting_user=c.staff, entry=e, title="誤送信", description="宛先を誤った")
    action = open_corrective_action(
        acting_user=manager,
        entry=e,
        description="送信前の宛先確認を二人で行う。",
        owner=manager,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        incident=incident,
    )
    close_corrective_action(acting_user=manager, action=action, corrected=True, result="手順を改めた。")
    start_incident_handling(acting_user=manager, incident=incident)
    close_incident(acting_user=manager, incident=incident, resolution="影響なしを確認した。")
    assert retired(e).status == EntryStatus.RETIRED

    client = Client()
    client.force_login(manager)
    for url in (f"/lifecycle/entries/{e.pk}/", f"/ledger/{e.pk}/", incident.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "廃止済み" in html or url == incident.get_absolute_url(), url
        for word in UNFINISHED:
            assert word not in html, (url, word)
    for url in ("/lifecycle/", "/"):
        html = client.get(url).content.decode()
        assert str(e) not in html or all(word not in html for word in UNFINISHED), url
