"""Checklist tasks and re-checks keep copies of their entry's municipality and status (CopiesOfEntry),
read by the dashboard's due counts without the entries (issue 18 point 4): right when the rows are
written (approval, import in every status, tasks opened later, re-checks opened by an event), after
every ledger step (start, suspend, resume, retire), and repaired by `manage.py recount_ledger`."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import HEADER, check, commit, csv_file, problems, row
from kumokan.home.dashboard import dashboard_for
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.rechecks import open_event_recheck
from kumokan.lifecycle.actions.tasks import open_checklists
from kumokan.lifecycle.choices import RecheckTrigger
from kumokan.lifecycle.gates import check_entry_copies
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.lifecycle.tests.factories import city, entry, in_operation, retired

pytestmark = pytest.mark.django_db


def copies_of(e: LedgerEntry) -> set[tuple[int, str]]:
    """The (municipality, status) pairs its tasks and re-checks keep, after checking they have some."""
    rows = [
        *ChecklistTask.objects.filter(entry=e).values_list("municipality_id", "entry_status"),
        *Recheck.objects.filter(entry=e).values_list("municipality_id", "entry_status"),
    ]
    assert rows
    return set(rows)


def assert_copies_right(e: LedgerEntry) -> None:
    e.refresh_from_db()
    assert copies_of(e) == {(e.municipality_id, e.status)}
    assert check_entry_copies(repair=False) == {}


def test_every_step_carries_the_entrys_status_to_its_tasks_and_rechecks() -> None:
    c = city("kobe")
    e = entry(c)
    assert_copies_right(e)  # approved: its phase tasks
    e = in_operation(c, purpose="別業務")
    assert Recheck.objects.filter(entry=e).exists()
    assert_copies_right(e)  # started: the tasks moved, the first re-checks opened in operation
    e = entries.suspend(acting_user=e.service_manager, entry=e, reason="不適合の是正まで停止")
    assert_copies_right(e)
    e = entries.resume(acting_user=e.service_manager, entry=e, reason="是正を確認した")
    assert_copies_right(e)
    open_event_recheck(e, RecheckTrigger.INCIDENT, today=timezone.localdate())
    assert_copies_right(e)
    e = retired(e)
    assert e.status == EntryStatus.RETIRED
    assert_copies_right(e)


def imported(status: str) -> LedgerEntry:
    municipality, admin = empty_city("kobe-import", "kobe")
    data = csv_file(row(**{"取り扱う情報の格付（機密性／可用性）": "2", "状態": status}), header=HEADER)
    ledger_import = check(municipality, admin, data)
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    return LedgerEntry.objects.get(municipality=municipality)


@pytest.mark.parametrize("status", ["承認済み（運用開始前）", "稼働中", "停止中"])
def test_an_imported_entry_s_tasks_and_rechecks_carry_its_status(status: str) -> None:
    e = imported(status)
    if e.status != EntryStatus.APPROVED:
        # Imported past approval: its tasks are opened when its manager asks for them.
        open_checklists(acting_user=e.service_manager, entry=e)
    assert_copies_right(e)


def test_the_dashboard_counts_follow_the_step_without_reading_the_entry() -> None:
    c = city("kobe")
    e = in_operation(c)
    Recheck.objects.filter(entry=e).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    ChecklistTask.objects.filter(entry=e).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    before = dashboard_for(c.chief, c.municipality)["overdue"]["count"]
    assert before == ChecklistTask.objects.filter(entry=e, status="open").count() + 1
    retired(e)  # its open tasks closed, its re-checks cancelled
    assert dashboard_for(c.chief, c.municipality)["overdue"]["count"] == 0


def test_recount_ledger_finds_and_repairs_wrong_copies() -> None:
    c = city("kobe")
    e = in_operation(c)
    ChecklistTask.objects.filter(entry=e).update(entry_status=EntryStatus.RETIRED)
    Recheck.objects.filter(entry=e).update(entry_status=EntryStatus.SUSPENDED)
    tasks, rechecks = ChecklistTask.objects.filter(entry=e).count(), Recheck.objects.filter(entry=e).count()
    out = StringIO()

    with pytest.raises(CommandError, match="stored copies differ"):
        call_command("recount_ledger", "kobe", "--check", stdout=out)
    assert f"lifecycle_checklisttask: {tasks} row(s)" in out.getvalue()
    assert f"lifecycle_recheck: {rechecks} row(s)" in out.getvalue()
    assert ChecklistTask.objects.filter(entry=e, entry_status=EntryStatus.RETIRED).count() == tasks

    call_command("recount_ledger", stdout=out)

    assert not ChecklistTask.objects.exclude(entry_status=F("entry__status")).exists()
    assert not Recheck.objects.exclude(entry_status=F("entry__status")).exists()
    call_command("recount_ledger", "--check", stdout=StringIO())  # nothing left to repair
