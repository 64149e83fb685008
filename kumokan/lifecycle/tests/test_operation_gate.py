"""The gate: an entry goes 稼働中 only once every item required before operation is confirmed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.tasks import decide_task
from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.gates import operation_blockers
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, confirm_required, entry, reload

pytestmark = pytest.mark.django_db

KITAKYUSHU_PROCEDURES = {"3.3③(ア)", "3.3③(イ)", "3.3③(ウ)"}


def test_kitakyushu_refuses_operation_until_the_three_procedures_are_confirmed() -> None:
    e = entry(city("kitakyushu", overlays=()))
    with pytest.raises(WorkflowError) as refused:
        entries.start_operation(acting_user=e.service_manager, entry=e)
    assert refused.value.code == "operation_gate"
    for clause in KITAKYUSHU_PROCEDURES:
        assert clause in refused.value.ja
    assert {item["source"]["clause"] for item in operation_blockers(e)} == KITAKYUSHU_PROCEDURES
    assert reload(e).status == EntryStatus.APPROVED


def test_the_refusal_lists_only_the_items_still_missing() -> None:
    e = entry(city("kitakyushu", overlays=()))
    first = ChecklistTask.objects.get(entry=e, item_id="build.procedures.security-level")
    decide_task(acting_user=e.service_manager, task=first, status=TaskStatus.CONFIRMED)
    with pytest.raises(WorkflowError) as refused:
        entries.start_operation(acting_user=e.service_manager, entry=e)
    assert "3.3③(ア)" not in refused.value.ja
    assert "3.3③(イ)" in refused.value.ja and "3.3③(ウ)" in refused.value.ja


def test_operation_starts_once_every_required_item_is_confirmed() -> None:
    e = entry(city("kitakyushu"))
    confirm_required(e)
    started = entries.start_operation(acting_user=e.service_manager, entry=e)
    assert started.status == EntryStatus.IN_OPERATION


def test_not_applicable_does_not_open_the_gate() -> None:
    e = entry(city("kitakyushu", overlays=()))
    for task in ChecklistTask.objects.filter(entry=e, required_before_operation=True):
        decide_task(acting_user=e.service_manager, task=task, status=TaskStatus.NOT_APPLICABLE, note="不要")
    with pytest.raises(WorkflowError):
        entries.start_operation(acting_user=e.service_manager, entry=e)


def test_amagasaki_high_track_gates_on_its_build_items() -> None:
    e = entry(city("amagasaki", overlays=()))
    clauses = {item["source"]["clause"] for item in operation_blockers(e)}
    assert any(clause.startswith("（２以上）4.3") for clause in clauses)
    assert ChecklistTask.objects.filter(entry=e, required_before_operation=True).count() == len(
        operation_blockers(e)
    )


def test_special_terms_incident_contacts_must_be_confirmed_before_operation() -> None:
    e = entry(city("kobe"))
    assert [(i["pack"], i["id"]) for i in operation_blockers(e)] == [("special-terms", "st.ops.3")]


def test_a_service_with_no_required_item_starts_at_once() -> None:
    e = entry(city("kobe", overlays=()))
    assert operation_blockers(e) == []
    assert entries.start_operation(acting_user=e.service_manager, entry=e).status == EntryStatus.IN_OPERATION


def test_operation_before_the_approved_period_begins_needs_a_recorded_reason() -> None:
    e = entry(city("kobe", overlays=()))
    LedgerEntry.objects.filter(pk=e.pk).update(period_start=timezone.localdate() + datetime.timedelta(days=7))
    with pytest.raises(WorkflowError) as refused:
        entries.start_operation(acting_user=e.service_manager, entry=reload(e))
    assert refused.value.code == "before_period"
    assert reload(e).status == EntryStatus.APPROVED
    started = entries.start_operation(
        acting_user=e.service_manager, entry=reload(e), reason="前倒しで試行運用を始めるため（課長了承済み）"
    )
    assert started.status == EntryStatus.IN_OPERATION
    event = AuditEvent.objects.filter(action=Action.LEDGER_START_OPERATION, target_id=str(e.pk)).get()
    assert event.after["reason"] == "前倒しで試行運用を始めるため（課長了承済み）"


def test_operation_on_or_after_the_first_day_of_the_period_needs_no_reason() -> None:
    e = entry(city("kobe", overlays=()))
    LedgerEntry.objects.filter(pk=e.pk).update(period_start=timezone.localdate())
    assert entries.start_operation(acting_user=e.service_manager, entry=reload(e)).status == (
        EntryStatus.IN_OPERATION
    )
