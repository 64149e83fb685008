"""The lifecycle pages: each renders for whom it is for, refuses everyone else, and calls its action."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kumokan.ledger.choices import EntryStatus
from kumokan.lifecycle.actions.calendar import regenerate_calendar_feed
from kumokan.lifecycle.actions.incidents import report_incident
from kumokan.lifecycle.actions.rechecks import answer_recheck, order_recheck
from kumokan.lifecycle.actions.tasks import assign_task
from kumokan.lifecycle.choices import OrderStatus, RecheckStatus, TaskStatus, TerminationStep
from kumokan.lifecycle.models import ChecklistTask, Incident, RecheckOrder
from kumokan.lifecycle.tests.factories import (
    City,
    city,
    entry,
    in_operation,
    member,
    reload,
    terminated_up_to,
)
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_entry_page_shows_the_checklists_and_the_gate() -> None:
    e = entry(city("kitakyushu", overlays=()))
    page = _client(e.service_manager).get(f"/lifecycle/entries/{e.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "3.3③(イ)" in text and 'id="gate"' in text
    assert text.count("data-item=") == ChecklistTask.objects.filter(entry=e).count()


def test_someone_of_another_municipality_gets_404_everywhere() -> None:
    e = in_operation(city("kobe"))
    task = ChecklistTask.objects.filter(entry=e).first()
    outsider = _client(member(city("amagasaki").municipality, Role.SERVICE_MANAGER))
    for url in (
        f"/lifecycle/entries/{e.pk}/",
        f"/lifecycle/entries/{e.pk}/termination/",
        f"/lifecycle/tasks/{task.pk}/",
        f"/lifecycle/tasks/{task.pk}/evidence/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/lifecycle/tasks/{task.pk}/", {"status": "confirmed"}).status_code == 404
    assert reload(task).status == TaskStatus.OPEN


def test_the_manager_records_a_task_with_evidence_and_it_is_served_only_through_the_page() -> None:
    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("確認書.pdf", b"%PDF evidence", content_type="application/pdf")
    response = _client(e.service_manager).post(
        f"/lifecycle/tasks/{task.pk}/", {"status": "confirmed", "note": "契約書で確認", "evidence": upload}
    )
    assert response.status_code == 302
    task = reload(task)
    try:
        assert task.status == TaskStatus.CONFIRMED
        download = _client(c.staff).get(f"/lifecycle/tasks/{task.pk}/evidence/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF evidence"
        assert "attachment" in download["Content-Disposition"]
    finally:
        task.evidence.delete(save=False)


def test_staff_may_read_a_task_but_not_record_it() -> None:
    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    staff = _client(c.staff)
    assert staff.get(f"/lifecycle/tasks/{task.pk}/").status_code == 200
    assert staff.post(f"/lifecycle/tasks/{task.pk}/", {"status": "confirmed"}).status_code == 403


def test_assigning_is_a_post_for_the_manager_only() -> None:
    c = city("kobe")
    e = entry(c)
    task = ChecklistTask.objects.filter(entry=e).first()
    manager = _client(e.service_manager)
    assert manager.get(f"/lifecycle/tasks/{task.pk}/assign/").status_code == 405
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = manager.post(
        f"/lifecycle/tasks/{task.pk}/assign/", {"responsible": c.staff.pk, "due_date": due}
    )
    assert response.status_code == 302
    assert reload(task).responsible == c.staff and reload(task).due_date == due


def test_the_security_manager_orders_a_provider_wide_recheck_from_the_form() -> None:
    c = city("kobe")
    e = in_operation(c)
    response = _client(c.security_manager).post(
        "/lifecycle/orders/new/",
        {
            "trigger": "vulnerability",
            "scope": "provider",
            "provider": e.service.provider_id,
            "details": "脆弱性情報（JVN）への対応状況を確認すること。",
            "due_date": timezone.localdate() + datetime.timedelta(days=5),
        },
    )
    order = RecheckOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.rechecks.get().entry == e


def test_staff_cannot_open_the_order_form() -> None:
    c = city("kobe")
    assert _client(c.staff).get("/lifecycle/orders/new/").status_code == 403


def test_the_order_page_shows_who_has_answered() -> None:
    c = city("kobe")
    e = in_operation(c)
    order = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="ordered",
        details="確認",
        due_date=timezone.localdate(),
        entry=e,
    )
    page = _client(c.security_manager).get(order.get_absolute_url()).content.decode()
    assert "0 / 1" in page or "1件中0件" in page or "0 of 1" in page
    recheck = order.rechecks.get()
    _client(e.service_manager).post(recheck.get_absolute_url(), {"result": "conforms", "note": "問題なし"})
    assert reload(order).status == OrderStatus.CLOSED
    assert reload(recheck).status == RecheckStatus.CONFORMS


def test_staff_of_another_department_reports_an_incident_and_follows_it() -> None:
    c = city("kobe")
    e = in_operation(c)
    elsewhere = member(c.municipality, Role.STAFF, c.other_department)
    response = _client(elsewhere).post(
        "/lifecycle/incidents/new/",
        {"entry": e.pk, "title": "情報漏えいの疑い", "description": "誤った宛先に送信"},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.reported_by == elsewhere
    assert _client(elsewhere).get(incident.get_absolute_url()).status_code == 200
    outsider = member(city("amagasaki").municipality, Role.STAFF)
    assert _client(outsider).get(incident.get_absolute_url()).status_code == 404


def test_the_manager_handles_an_incident_through_the_page() -> None:
    c = city("kobe")
    e = in_operation(c)
    incident = report_incident(acting_user=c.staff, entry=e, title="障害", description="ログインできない")
    manager = _client(e.service_manager)
    manager.post(incident.get_absolute_url(), {"step": "handle"})
    manager.post(incident.get_absolute_url(), {"step": "note", "text": "提供者へ連絡"})
    manager.post(incident.get_absolute_url(), {"step": "close", "resolution": "提供者が復旧"})
    assert reload(incident).status == "closed"
    assert _client(c.staff).post(incident.get_absolute_url(), {"step": "handle"}).status_code == 403


def test_the_termination_page_refuses_a_disposal_that_keeps_the_keys() -> None:
    e = in_operation(city("kobe"))
    terminated_up_to(e, TerminationStep.NOTICE)
    response = _client(e.service_manager).post(
        f"/lifecycle/entries/{e.pk}/termination/disposal/",
        {"disposal-method": "deletion", "disposal-note": "削除した"},
    )
    assert response.status_code == 400
    assert "No.19" in response.content.decode()


def test_the_termination_steps_are_recorded_through_the_page_and_the_service_retires() -> None:
    e = in_operation(city("kobe"))
    terminated_up_to(e, TerminationStep.ADMIN_ACCOUNTS)
    manager = _client(e.service_manager)
    assert (
        manager.post(
            f"/lifecycle/entries/{e.pk}/termination/special_accounts/",
            {"special_accounts-outcome": "none_existed"},
        ).status_code
        == 302
    )
    assert (
        manager.post(
            f"/lifecycle/entries/{e.pk}/termination/complete/", {"complete-note": "完了"}
        ).status_code
        == 302
    )
    assert reload(e).status == EntryStatus.RETIRED


def test_an_unknown_termination_step_is_404() -> None:
    e = in_operation(city("kobe"))
    terminated_up_to(e, None)
    assert (
        _client(e.service_manager).post(f"/lifecycle/entries/{e.pk}/termination/nothing/", {}).status_code
        == 404
    )


def _kobe_with_due_items() -> tuple[City, object]:
    c = city("kobe")
    e = in_operation(c)
    task = ChecklistTask.objects.filter(entry=e, status=TaskStatus.OPEN).first()
    assign_task(
        acting_user=e.service_manager,
        task=task,
        responsible=c.staff,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="incident",
        details="確認",
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        entry=e,
    )
    return c, e


def test_the_dashboard_shows_each_person_their_own_work() -> None:
    c, e = _kobe_with_due_items()
    staff_page = _client(c.staff).get("/lifecycle/").content.decode()
    assert 'id="overdue"' in staff_page and "/lifecycle/tasks/" in staff_page
    manager_page = _client(e.service_manager).get("/lifecycle/").content.decode()
    assert "/lifecycle/rechecks/" in manager_page
    chief_page = _client(c.chief).get("/lifecycle/").content.decode()
    assert "/lifecycle/orders/" in chief_page


def test_the_calendar_feed_lists_only_its_owners_items_and_needs_no_login() -> None:
    c, e = _kobe_with_due_items()
    staff_feed = regenerate_calendar_feed(acting_user=c.staff)
    body = Client().get(f"/lifecycle/calendar/{staff_feed.token}.ics")
    assert body.status_code == 200 and body["Content-Type"].startswith("text/calendar")
    text = body.content.decode()
    assert text.count("BEGIN:VEVENT") == 1 and "UID:task-" in text
    manager_feed = regenerate_calendar_feed(acting_user=e.service_manager)
    manager_text = Client().get(f"/lifecycle/calendar/{manager_feed.token}.ics").content.decode()
    assert "UID:recheck-" in manager_text and "UID:task-" not in manager_text


def test_a_regenerated_calendar_address_replaces_the_old_one() -> None:
    c = city("kobe")
    old = regenerate_calendar_feed(acting_user=c.staff).token
    new = regenerate_calendar_feed(acting_user=c.staff).token
    assert old != new
    assert Client().get(f"/lifecycle/calendar/{old}.ics").status_code == 404
    assert Client().get(f"/lifecycle/calendar/{new}.ics").status_code == 200


def test_the_calendar_page_makes_the_address_on_post() -> None:
    c = city("kobe")
    client = _client(c.staff)
    assert (
        "calendar/" not in client.get("/lifecycle/calendar/").content.decode().split("feed-address")[-1][:0]
    )
    client.post("/lifecycle/calendar/")
    assert c.staff.calendar_feed.token in client.get("/lifecycle/calendar/").content.decode()


def test_only_an_administrator_opens_the_settings() -> None:
    c = city("kobe")
    assert _client(c.chief).get("/lifecycle/settings/").status_code == 403
    admin = _client(c.administrator)
    assert admin.get("/lifecycle/settings/").status_code == 200
    response = admin.post(
        "/lifecycle/settings/",
        {
            "default_recheck_interval_months": 6,
            "reminder_days": 10,
            "triggered_recheck_days": 7,
            "incident_procedure": "第1報は30分以内",
        },
    )
    assert response.status_code == 302
    assert c.municipality.lifecycle_settings.default_recheck_interval_months == 6


def test_a_nonconforming_answer_leads_to_a_corrective_action_from_the_recheck_page() -> None:
    c = city("kobe")
    e = in_operation(c)
    order = order_recheck(
        acting_user=c.security_manager,
        municipality=c.municipality,
        trigger="configuration_changed",
        details="設定変更の影響を確認",
        due_date=timezone.localdate(),
        entry=e,
    )
    recheck = order.rechecks.get()
    answer_recheck(
        acting_user=e.service_manager, recheck=recheck, result="nonconforming", note="公開範囲が全体"
    )
    manager = _client(e.service_manager)
    assert 'id="correct"' in manager.get(recheck.get_absolute_url()).content.decode()
    assert 'id="correct"' not in _client(c.staff).get(recheck.get_absolute_url()).content.decode()
    response = manager.post(
        f"/lifecycle/entries/{e.pk}/corrective/",
        {
            "recheck": recheck.pk,
            "description": "公開範囲を所属内に戻す",
            "owner": e.service_manager.pk,
            "deadline": timezone.localdate() + datetime.timedelta(days=5),
        },
    )
    assert response.status_code == 302
    assert reload(recheck).corrective_actions.get().description == "公開範囲を所属内に戻す"
