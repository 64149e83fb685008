"""A service's tasks and re-checks take updated_since as the applications and the ledger do: a script
keeping another system in step reads only what changed (a recorded task, an answered re-check)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from kumokan.api.tests.support import assert_error
from kumokan.lifecycle.actions.rechecks import answer_recheck
from kumokan.lifecycle.actions.tasks import decide_task
from kumokan.lifecycle.choices import RecheckResult, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.lifecycle.tests.factories import city, in_operation

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 4, 6, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
TUESDAY = MONDAY + datetime.timedelta(days=1)


def test_only_the_tasks_and_rechecks_changed_since_are_listed(api_as):
    with time_machine.travel(MONDAY, tick=False):
        c = city("amagasaki", overlays=())
        entry = in_operation(c)
    manager = entry.service_manager
    task = ChecklistTask.objects.filter(entry=entry, status=TaskStatus.OPEN).first()
    recheck = Recheck.objects.filter(entry=entry).first()
    with time_machine.travel(TUESDAY, tick=False):
        decide_task(acting_user=manager, task=task, status=TaskStatus.CONFIRMED, note="確認した。")
        answer_recheck(acting_user=manager, recheck=recheck, result=RecheckResult.CONFORMS, note="適合")

    client = api_as(manager)
    since = TUESDAY.isoformat()
    tasks = client.get(f"/ledger/{entry.pk}/tasks", updated_since=since).json()
    rechecks = client.get(f"/ledger/{entry.pk}/rechecks", updated_since=since).json()
    assert [t["id"] for t in tasks["results"]] == [task.pk]
    assert tasks["results"][0]["updated_at"].startswith("2026-04-07")
    # The answered one, and the next periodic one its answer scheduled (new since, so listed too).
    next_one = Recheck.objects.filter(entry=entry, rule_key=recheck.rule_key).exclude(pk=recheck.pk).get()
    assert {r["id"] for r in rechecks["results"]} == {recheck.pk, next_one.pk}
    everything = client.get(f"/ledger/{entry.pk}/tasks", updated_since=MONDAY.isoformat()).json()
    assert everything["count"] == ChecklistTask.objects.filter(entry=entry).count() > 1
    assert_error(client.get(f"/ledger/{entry.pk}/rechecks", updated_since="last week"), 422)


def test_the_filter_is_documented_on_both_lists(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/ledger/{entry_id}/tasks", "/api/v1/ledger/{entry_id}/rechecks"):
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert {"updated_since", "page_size", "after", "before"} <= names
