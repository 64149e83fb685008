"""One path to a ledger entry: an imported row becomes an entry as an approval makes one (issue 16 point 4).

An Amagasaki row imported as 承認済み used to get no checklist tasks, so it could never start operation.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents.choices import ImportStatus
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import HEADER, check, commit, csv_file, problems, row
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.tasks import open_checklists
from kumokan.lifecycle.actions.termination import request_termination
from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Recheck
from kumokan.lifecycle.rules import phase_items, recheck_rules, snapshot_of
from kumokan.lifecycle.tests.factories import confirm_required
from kumokan.tenancy.choices import Role

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
            entries.start_operation(acting_user=entry.service_manager, entry=entry)
        assert refused.value.code == "operation_gate"
    confirm_required(entry)
    started = entries.start_operation(acting_user=entry.service_manager, entry=entry)
    assert started.status == EntryStatus.IN_OPERATION
    periodic = recheck_rules(snapshot_of(entry), "periodic")
    assert Recheck.objects.filter(entry=entry).count() == len(periodic)


def test_amagasaki_row_imported_as_approved_gets_the_items_required_before_operation():
    entry = imported("amagasaki", "承認済み（運用開始前）")
    assert ChecklistTask.objects.filter(entry=entry, required_before_operation=True).exists()


@pytest.mark.parametrize("pack_id", sorted(HIGH))
def test_an_entry_imported_in_operation_has_its_first_rechecks_and_no_tasks_until_asked(pack_id):
    """It went through the phases before kumokan knew it: ten thousand such rows must not write ~75
    open tasks each (BENCHMARKS.md); its manager opens them, or the termination request its own."""
    entry = imported(pack_id, "稼働中")
    assert entry.status == EntryStatus.IN_OPERATION
    assert not ChecklistTask.objects.filter(entry=entry).exists()
    assert not AuditEvent.objects.filter(action=Action.LIFECYCLE_TASKS_OPEN).exists()
    periodic = recheck_rules(snapshot_of(entry), "periodic")
    rechecks = Recheck.objects.filter(entry=entry)
    assert {r.rule_key for r in rechecks} == {f"{r['pack']}:{r['id']}" for r in periodic}
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_RECHECK_OPEN).count() == len(periodic)


@pytest.mark.parametrize("pack_id", sorted(HIGH))
def test_the_manager_opens_the_checklists_of_an_entry_imported_in_operation(pack_id):
    entry = imported(pack_id, "稼働中")
    opened = open_checklists(acting_user=entry.service_manager, entry=entry)
    items = phase_items(snapshot_of(entry))
    tasks = ChecklistTask.objects.filter(entry=entry).order_by("position")
    assert opened == len(items) == tasks.count()
    assert [(t.pack_id, t.item_id, t.phase, t.text, t.source) for t in tasks] == [
        (i["pack"], i["id"], i["phase"], i["text"], i["source"]) for i in items
    ]
    assert {t.responsible_id for t in tasks} == {entry.service_manager_id}
    assert {t.status for t in tasks} == {TaskStatus.OPEN}
    opening = AuditEvent.objects.get(action=Action.LIFECYCLE_TASKS_OPEN, target_id=str(entry.pk))
    assert len(opening.after["tasks"]) == len(items)
    with pytest.raises(WorkflowError) as again:
        open_checklists(acting_user=entry.service_manager, entry=entry)
    assert again.value.code == "unchanged"
    assert ChecklistTask.objects.filter(entry=entry).count() == len(items)


def test_a_termination_request_opens_the_termination_items_of_an_entry_imported_in_operation():
    entry = imported("kobe", "稼働中")
    request_termination(acting_user=entry.service_manager, entry=entry, reason="契約満了")
    tasks = ChecklistTask.objects.filter(entry=entry)
    expected = {(i["pack"], i["id"]) for i in phase_items(snapshot_of(entry)) if i["phase"] == "termination"}
    assert expected and {(t.pack_id, t.item_id) for t in tasks} == expected
    # Then the rest of the checklists may still be opened, without doubling the termination items.
    open_checklists(acting_user=entry.service_manager, entry=entry)
    assert ChecklistTask.objects.filter(entry=entry).count() == len(phase_items(snapshot_of(entry)))


def test_only_the_manager_or_an_administrator_opens_the_checklists():
    entry = imported("kobe", "稼働中")
    applicant = f.member(entry.municipality, Role.APPLICANT, entry.department)
    with pytest.raises(PermissionDenied):
        open_checklists(acting_user=applicant, entry=entry)
    assert not ChecklistTask.objects.filter(entry=entry).exists()


def test_the_service_page_offers_to_open_the_checklists_and_opens_them(client):
    entry = imported("kobe", "稼働中")
    client.force_login(entry.service_manager)
    page = client.get(f"/lifecycle/entries/{entry.pk}/").content.decode()
    assert "チェックリストを作成" in page
    assert client.get(f"/lifecycle/entries/{entry.pk}/checklists/").status_code == 405
    response = client.post(f"/lifecycle/entries/{entry.pk}/checklists/", follow=True)
    count = len(phase_items(snapshot_of(entry)))
    assert f"{count}件のチェック項目をタスクにしました。" in response.content.decode()
    assert ChecklistTask.objects.filter(entry=entry).count() == count
    assert "チェックリストを作成" not in client.get(f"/lifecycle/entries/{entry.pk}/").content.decode()
