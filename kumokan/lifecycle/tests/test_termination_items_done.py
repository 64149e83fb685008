"""Retired means finished (issue 17 point 8): the termination items a recorded step carried out (the
pack's done_by: Kobe 7.1① the approved application to stop, 7.1② and 7.2 the ledger status 廃止済み,
7.1⑥ the completion record) show as done by whoever recorded the step, when; the others 該当なし."""

from __future__ import annotations

import pytest
from django.test import Client

from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.choices import TaskPhase, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Termination
from kumokan.lifecycle.tests.factories import city, in_operation, retired

pytestmark = pytest.mark.django_db


def by_clause(entry: LedgerEntry) -> dict[str, ChecklistTask]:
    tasks = ChecklistTask.objects.filter(entry=entry, phase=TaskPhase.TERMINATION)
    return {task.source["clause"]: task for task in tasks}


def test_a_retired_kobe_service_shows_the_approval_the_retirement_and_the_record_as_done() -> None:
    c = city("kobe")
    entry = retired(in_operation(c))
    termination = Termination.objects.get(entry=entry)
    tasks = by_clause(entry)

    approval, ledger, record = tasks["7.1①"], tasks["7.1②"], tasks["7.1⑥"]
    assert approval.status == TaskStatus.CONFIRMED
    assert (approval.confirmed_by, approval.confirmed_at) == (
        termination.approved_by,
        termination.approved_at,
    )
    assert approval.system_note == {"msgid": "Done: the application to stop the use was approved."}
    assert ledger.status == TaskStatus.CONFIRMED and ledger.confirmed_by == entry.service_manager
    assert ledger.confirmed_at == LedgerEntry.objects.get(pk=entry.pk).retired_at
    assert record.status == TaskStatus.CONFIRMED
    assert (record.confirmed_by, record.confirmed_at) == (termination.completed_by, termination.completed_at)
    # What no step of kumokan's carries out closes 該当なし, saying why.
    assert tasks["7.1③"].status == TaskStatus.NOT_APPLICABLE

    client = Client()
    client.force_login(c.chief)
    page = client.get(f"/lifecycle/entries/{entry.pk}/termination/").content.decode()
    assert page.count("確認済み") >= 3


def test_a_retired_kobe_low_track_service_shows_7_2_done() -> None:
    entry = retired(in_operation(city("kobe"), high=False))
    task = by_clause(entry)["7.2"]
    assert task.status == TaskStatus.CONFIRMED
    assert task.confirmed_by == entry.service_manager
