"""Retired means finished on every page: a 廃止済み service shows no item 未着手, no corrective action
実施中 and no incident 報告済み (the rule is the retirement's: kumokan.lifecycle.gates, issue 15 point 6)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.incidents import (
    close_corrective_action,
    close_incident,
    open_corrective_action,
    report_incident,
    start_incident_handling,
)
from kumokan.lifecycle.actions.termination import complete_termination
from kumokan.lifecycle.choices import TerminationStep
from kumokan.lifecycle.tests.factories import (
    OSAKA_APPROVER,
    city,
    in_operation,
    reload,
    retired,
    terminated_up_to,
)

pytestmark = pytest.mark.django_db

UNFINISHED = ("未着手", "実施中", "報告済み")


def an_incident_and_its_action(c: Any, e: Any, *, linked: bool = True) -> tuple[Any, Any]:
    """A staff member's incident on the entry and the manager's corrective action (for it, if linked)."""
    manager = e.service_manager
    incident = report_incident(acting_user=c.staff, entry=e, title="誤送信", description="宛先を誤った")
    action = open_corrective_action(
        acting_user=manager,
        entry=e,
        description="送信前の宛先確認を二人で行う。",
        owner=manager,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
        incident=incident if linked else None,
    )
    return incident, action


@pytest.mark.parametrize("slug", ["amagasaki", "kitakyushu", "osaka", "kobe"])
def test_a_retired_service_shows_nothing_unfinished_on_its_pages(slug: str) -> None:
    c = city(slug, approver=OSAKA_APPROVER) if slug == "osaka" else city(slug)
    e = in_operation(c)
    manager = e.service_manager
    incident, action = an_incident_and_its_action(c, e)
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


def test_an_open_corrective_action_holds_the_retirement_and_the_termination_page_links_it() -> None:
    # The seeds say nothing of an open corrective action at retirement: it is closed with its outcome
    # first (kumokan.lifecycle.gates._check_nothing_left_open), and the page says which and where.
    c = city("kitakyushu")
    e = in_operation(c)
    manager = e.service_manager
    incident, action = an_incident_and_its_action(c, e, linked=False)
    termination = terminated_up_to(e, TerminationStep.SPECIAL_ACCOUNTS)
    client = Client()
    client.force_login(manager)
    page = client.get(f"/lifecycle/entries/{e.pk}/termination/").content.decode()
    assert 'id="open-matters"' in page and "結果とともに終了してから" in page
    assert f'href="{incident.get_absolute_url()}"' in page and "報告済み" in page
    assert f'href="/lifecycle/entries/{e.pk}/#corrective-{action.pk}"' in page and "実施中" in page

    start_incident_handling(acting_user=manager, incident=incident)
    close_incident(acting_user=manager, incident=incident, resolution="影響なしを確認した。")
    with pytest.raises(WorkflowError) as refused:
        complete_termination(acting_user=manager, termination=termination, note="完了")
    assert refused.value.code == "open_matters" and reload(e).status == EntryStatus.IN_OPERATION
    response = client.post(f"/lifecycle/entries/{e.pk}/termination/complete/", {"complete-note": "完了"})
    assert response.status_code == 400 and "是正措置" in response.content.decode()
    assert reload(e).status == EntryStatus.IN_OPERATION

    close_corrective_action(acting_user=manager, action=action, corrected=True, result="手順を改めた。")
    assert 'id="open-matters"' not in client.get(f"/lifecycle/entries/{e.pk}/termination/").content.decode()
    complete_termination(acting_user=manager, termination=termination, note="完了")
    assert reload(e).status == EntryStatus.RETIRED
