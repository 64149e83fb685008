"""One path to a ledger entry: an imported row becomes an entry as an approval makes one (issue 16 point 4).

An Amagasaki row imported as 承認済み used to get no checklist tasks, so it could never start operation.
"""

from __future__ import annotations

import pytest

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import HEADER, check, commit, csv_file, problems, row
from kumokan.errors import WorkflowError
from kumokan.ledger import actions as ledger_actions
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.lifecycle.rules import phase_items, recheck_rules, snapshot_of
from kumokan.lifecycle.tests.factories import confirm_required

pytestmark = pytest.mark.django_db

# A high-track classification in each city's own scale (CONTRACT.md's table).
HIGH = {"amagasaki": "2", "kitakyushu": "第2種", "kobe": "2", "osaka": "2"}


def imported(pack_id: str, status: str) -> LedgerEntry:
    municipality, admin = empty_city(f"{pack_id}-import", pack_id)
    data = csv_file(
        row(**{"取り扱う情報の格付（機密性／可用性）": HIGH[pack_id], "状態": status}), header=HEADER
    )
    ledger_import = check(municipality, admin, data)
    assert ledger_import.status == ImportStatus.CHECKED, problems(ledger_import)
    commit(admin, ledger_import)
    return LedgerEntry.objects.get(municipality=municipality)


@pytest.mark.parametrize("pack_id", sorted(HIGH))
def test_an_imported_approved_entry_reaches_operation_through_the_gate(pack_id):
    entry = imported(pack_id, "承認済み（運用開始前）")
    assert entry.status == EntryStatus.APPROVED
    tasks = ChecklistTask.objects.filter(entry=entry)
    expected = {(item["pack"], item["id"]) for item in phase_items(snapshot_of(entry))}
    assert expected and {(t.pack_id, t.item_id) for t in tasks} == expected
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_TASKS_OPEN, target_id=str(entry.pk)).count() == 1
    if tasks.filter(required_before_operation=True).exists():
        with pytest.raises(WorkflowError) as refused:
            ledger_actions.start_operation(acting_user=entry.service_manager, entry=entry)
        assert refused.value.code == "operation_gate"
    confirm_required(entry)
    started = ledger_actions.start_operation(acting_user=entry.service_manager, entry=entry)
    assert started.status == EntryStatus.IN_OPERATION
    periodic = recheck_rules(snapshot_of(entry), "periodic")
    assert Recheck.objects.filter(entry=entry).count() == len(periodic)


def test_amagasaki_row_imported_as_approved_gets_the_items_required_before_operation():
    entry = imported("amagasaki", "承認済み（運用開始前）")
    assert ChecklistTask.objects.filter(entry=entry, required_before_operation=True).exists()


@pytest.mark.parametrize("pack_id", sorted(HIGH))
def test_an_entry_imported_in_operation_has_its_tasks_and_first_rechecks(pack_id):
    entry = imported(pack_id, "稼働中")
    assert entry.status == EntryStatus.IN_OPERATION
    assert ChecklistTask.objects.filter(entry=entry).count() == len(phase_items(snapshot_of(entry)))
    periodic = recheck_rules(snapshot_of(entry), "periodic")
    rechecks = Recheck.objects.filter(entry=entry)
    assert {r.rule_key for r in rechecks} == {f"{r['pack']}:{r['id']}" for r in periodic}
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_OPEN).count() == len(periodic)
