from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kumokan.api.tests.support import assert_error
from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.lifecycle.actions.rechecks import order_recheck
from kumokan.lifecycle.choices import RecheckStatus, TaskStatus
from kumokan.lifecycle.models import ChecklistTask, Recheck

pytestmark = pytest.mark.django_db


def ordered_recheck(c, entry) -> Recheck:
    order = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="terms_changed",
        details="利用規約の改定を確認すること",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        entry=entry,
    )
    return order.rechecks.get()


def test_the_phase_checklist_of_a_service(api_as):
    c = f.city("kobe")
    entry = f.entry(c)

    page = api_as(c.staff).get(f"/ledger/{entry.pk}/tasks", page_size=200).json()
    tasks = page["results"]

    assert len(tasks) == page["count"] == ChecklistTask.objects.filter(entry=entry).count() > 0
    assert {t["phase"] for t in tasks} <= {"procurement", "build", "operation", "termination"}
    assert tasks[0]["status"] == "open" and tasks[0]["source"]["file"].endswith(".txt")


def test_the_service_manager_records_a_task(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    task = ChecklistTask.objects.filter(entry=entry).first()

    response = api_as(entry.service_manager).post(
        f"/tasks/{task.pk}", {"version": 1, "status": "confirmed", "note": "確認した"}
    )

    assert response.status_code == 200, response.content
    assert (
        response.json()["status"] == "confirmed"
        and response.json()["confirmed_by"] == entry.service_manager.username
    )
    assert ChecklistTask.objects.get(pk=task.pk).status == TaskStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="lifecycle.task_decide", actor=entry.service_manager).exists()


def test_not_applicable_needs_a_reason(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    task = ChecklistTask.objects.filter(entry=entry).first()

    assert_error(
        api_as(entry.service_manager).post(f"/tasks/{task.pk}", {"version": 1, "status": "not_applicable"}),
        400,
        "note_required",
    )
    assert_error(
        api_as(entry.service_manager).post(f"/tasks/{task.pk}", {"version": 1, "status": "done"}), 422
    )


def test_someone_who_only_sees_the_service_may_not_record_its_tasks(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    task = ChecklistTask.objects.filter(entry=entry).first()

    assert api_as(c.staff).get(f"/tasks/{task.pk}").status_code == 200
    assert_error(api_as(c.staff).post(f"/tasks/{task.pk}", {"version": 1, "status": "confirmed"}), 403)


def test_the_manager_answers_a_re_check(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    recheck = ordered_recheck(c, entry)
    client = api_as(entry.service_manager)

    listed = client.get(f"/ledger/{entry.pk}/rechecks").json()["results"]
    assert [r["id"] for r in listed] == [recheck.pk] and listed[0]["trigger"] == "terms_changed"
    assert_error(
        client.post(f"/rechecks/{recheck.pk}/answer", {"version": 1, "result": "nonconforming"}),
        400,
        "note_required",
    )
    response = client.post(
        f"/rechecks/{recheck.pk}/answer", {"version": 1, "result": "conforms", "note": "変更なし"}
    )

    assert response.json()["status"] == "conforms"
    assert Recheck.objects.get(pk=recheck.pk).status == RecheckStatus.CONFORMS
    assert_error(
        client.post(f"/rechecks/{recheck.pk}/answer", {"version": 1, "result": "conforms"}),
        409,
        "stale_version",
    )
    assert_error(
        client.post(f"/rechecks/{recheck.pk}/answer", {"version": 2, "result": "conforms"}), 400, "not_open"
    )


def test_only_the_manager_answers_a_re_check(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    recheck = ordered_recheck(c, entry)

    assert_error(
        api_as(c.security_manager).post(
            f"/rechecks/{recheck.pk}/answer", {"version": 1, "result": "conforms"}
        ),
        403,
    )


def test_another_municipalitys_tasks_and_re_checks_are_404(api_as):
    c = f.city("kobe")
    other = f.city("amagasaki", overlays=())
    entry = f.entry(c)
    recheck = ordered_recheck(c, entry)
    task = ChecklistTask.objects.filter(entry=entry).first()
    client = api_as(other.administrator)

    assert_error(client.get(f"/ledger/{entry.pk}/tasks"), 404)
    assert_error(client.get(f"/tasks/{task.pk}"), 404)
    assert_error(client.post(f"/tasks/{task.pk}", {"version": 1, "status": "confirmed"}), 404)
    assert_error(client.get(f"/rechecks/{recheck.pk}"), 404)
    assert_error(client.post(f"/rechecks/{recheck.pk}/answer", {"version": 1, "result": "conforms"}), 404)
    assert_error(api_as(None).get(f"/rechecks/{recheck.pk}"), 401)


def test_a_task_recorded_on_another_version_is_409_stale_or_unknown(api_as):
    c = f.city("kobe")
    entry = f.entry(c)
    task = ChecklistTask.objects.filter(entry=entry).first()
    client = api_as(entry.service_manager)

    first = client.post(f"/tasks/{task.pk}", {"version": 1, "status": "confirmed"})
    assert first.status_code == 200 and first.json()["version"] == 2

    stale = assert_error(
        client.post(f"/tasks/{task.pk}", {"version": 1, "status": "open"}), 409, "stale_version"
    )
    ahead = assert_error(
        client.post(f"/tasks/{task.pk}", {"version": 7, "status": "open"}), 409, "unknown_version"
    )
    assert "changed by someone else" in stale["message_en"]
    assert "has no version 7" in ahead["message_en"] and "他の人" not in ahead["message"]
    assert ChecklistTask.objects.get(pk=task.pk).status == TaskStatus.CONFIRMED


def test_a_task_closed_by_retirement_gives_its_note_in_japanese_and_in_english(api_as):
    from kumokan.lifecycle.tests.factories import city, in_operation, retired

    c = city("kobe")
    entry = in_operation(c)
    typed, untouched = ChecklistTask.objects.filter(entry=entry, status=TaskStatus.OPEN)[:2]
    ChecklistTask.objects.filter(pk=typed.pk).update(note="提供者に確認中")
    retired(entry)
    client = api_as(c.chief)

    data = client.get(f"/tasks/{untouched.pk}").json()
    assert (data["note"], data["note_en"]) == (
        "利用終了（廃止）により、実施しないまま終了した。",
        "Closed without being carried out: the service was retired.",
    )
    data = client.get(f"/tasks/{typed.pk}").json()
    assert (data["note"], data["note_en"]) == (
        "提供者に確認中\n利用終了（廃止）により、実施しないまま終了した。",
        "提供者に確認中\nClosed without being carried out: the service was retired.",
    )
