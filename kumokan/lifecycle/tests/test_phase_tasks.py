"""Approval opens the phase checklists of the ledger entry, copied from its stored judgment."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError
from kumokan.lifecycle.actions.tasks import assign_task, decide_task
from kumokan.lifecycle.choices import TaskStatus
from kumokan.lifecycle.forms import AssignForm
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.rules import snapshot_of
from kumokan.lifecycle.tests.factories import city, entry, member, reload
from kumokan.notifications.models import Notification
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_approval_opens_every_item_of_the_phases_after_approval() -> None:
    e = entry(city("kobe"))
    snapshot = snapshot_of(e)
    expected = [
        (item["pack"], item["id"], item["phase"])
        for phase in ("procurement", "build", "operation", "termination")
        for item in snapshot.items(phase)
    ]
    tasks = list(ChecklistTask.objects.filter(entry=e).values_list("pack_id", "item_id", "phase"))
    assert tasks == expected
    assert not ChecklistTask.objects.filter(entry=e, phase="selection").exists()
    assert AuditEvent.objects.filter(action=Action.LIFECYCLE_TASKS_OPEN, target_id=str(e.pk)).count() == 1


def test_a_task_copies_the_text_source_and_gate_flag_of_its_item() -> None:
    e = entry(city("kitakyushu"))
    task = ChecklistTask.objects.get(entry=e, item_id="build.procedures.incident-response")
    assert task.text.startswith("クラウドサービスを利用した情報システムの運用・監視中における")
    assert task.source == {"file": "001_4592fdea49096e9a.txt", "clause": "3.3③(イ)"}
    assert task.required_before_operation is True
    assert task.status == TaskStatus.OPEN
    assert task.responsible == e.service_manager


def test_the_service_manager_confirms_a_task_and_the_audit_keeps_who() -> None:
    e = entry(city("kobe"))
    task = ChecklistTask.objects.filter(entry=e).first()
    done = decide_task(
        acting_user=e.service_manager, task=task, status=TaskStatus.CONFIRMED, note="契約書第5条"
    )
    assert done.status == TaskStatus.CONFIRMED
    assert done.confirmed_by == e.service_manager and done.confirmed_at is not None
    event = AuditEvent.objects.get(action=Action.LIFECYCLE_TASK_DECIDE)
    assert event.before["status"] == "open" and event.after["status"] == "confirmed"
    assert event.actor == e.service_manager


def test_reopening_a_task_clears_who_confirmed_it() -> None:
    e = entry(city("kobe"))
    task = ChecklistTask.objects.filter(entry=e).first()
    decide_task(acting_user=e.service_manager, task=task, status=TaskStatus.CONFIRMED)
    reopened = decide_task(acting_user=e.service_manager, task=task, status=TaskStatus.OPEN)
    assert reopened.confirmed_by is None and reopened.confirmed_at is None


@pytest.mark.parametrize("status", [TaskStatus.NOT_APPLICABLE, TaskStatus.NONCONFORMING])
def test_not_applicable_or_nonconforming_needs_a_reason(status: TaskStatus) -> None:
    e = entry(city("kobe"))
    task = ChecklistTask.objects.filter(entry=e).first()
    with pytest.raises(WorkflowError) as refused:
        decide_task(acting_user=e.service_manager, task=task, status=status)
    assert refused.value.code == "note_required"
    assert reload(task).status == TaskStatus.OPEN


def test_other_staff_cannot_record_a_task() -> None:
    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    with pytest.raises(PermissionDenied):
        decide_task(acting_user=c.staff, task=task, status=TaskStatus.CONFIRMED)


def test_the_person_responsible_may_record_their_task_and_is_told_of_it() -> None:
    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    assign_task(acting_user=e.service_manager, task=task, responsible=c.staff, due_date=None)
    assert Notification.objects.filter(user=c.staff, verb="task_assigned").count() == 1
    done = decide_task(acting_user=c.staff, task=task, status=TaskStatus.CONFIRMED)
    assert done.confirmed_by == c.staff


def test_a_task_cannot_be_given_to_someone_of_another_municipality() -> None:
    e = entry(city("kobe"))
    outsider = member(city("osaka").municipality, Role.STAFF)
    task = ChecklistTask.objects.filter(entry=e).first()
    with pytest.raises(WorkflowError):
        assign_task(acting_user=e.service_manager, task=task, responsible=outsider, due_date=None)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CONTRACTOR])
def test_a_task_is_never_given_to_an_auditor_or_a_contractor(role: Role) -> None:
    c = city("kobe")
    e = entry(c)
    person = member(c.municipality, role, c.department if role == Role.CONTRACTOR else None)
    task = ChecklistTask.objects.filter(entry=e).first()
    assert person not in AssignForm(municipality=c.municipality).fields["responsible"].queryset
    with pytest.raises(WorkflowError):
        assign_task(acting_user=e.service_manager, task=task, responsible=person, due_date=None)


def test_the_assignee_list_names_people_family_name_first_in_name_order() -> None:
    c = city("kobe")
    member(c.municipality, Role.STAFF, last_name="渡辺", first_name="聡")
    member(c.municipality, Role.STAFF, last_name="伊藤", first_name="直子")
    choices = [
        label for _value, label in AssignForm(municipality=c.municipality).fields["responsible"].choices
    ]
    assert choices.index("伊藤 直子") < choices.index("渡辺 聡")


def test_evidence_is_stored_under_a_random_name_in_the_private_storage() -> None:
    e = entry(city("kobe"))
    task = ChecklistTask.objects.filter(entry=e).first()
    upload = SimpleUploadedFile("../../手順書.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    done = decide_task(acting_user=e.service_manager, task=task, status=TaskStatus.CONFIRMED, evidence=upload)
    try:
        assert done.evidence_name == "手順書.pdf"
        assert done.evidence.name.startswith(f"kobe/lifecycle/{e.pk}/") and done.evidence.name.endswith(
            ".pdf"
        )
        assert ".." not in done.evidence.name
        with done.evidence.open("rb") as stored:
            assert stored.read() == b"%PDF-1.4 test"
    finally:
        done.evidence.delete(save=False)
