"""Editing a ledger entry: versioned, audited, reported where the pack says, and refused to others."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from kumokan.applications.tests import factories as f
from kumokan.audit.models import AuditEvent
from kumokan.errors import ConflictError, WorkflowError
from kumokan.ledger import actions
from kumokan.ledger.models import LedgerChange
from kumokan.lifecycle.tests import factories as lifecycle
from kumokan.notifications.models import Notification
from kumokan.tenancy.access import has_role
from kumokan.tenancy.choices import Role

pytestmark = pytest.mark.django_db


def test_editing_creates_a_versioned_change_with_before_after_and_reason() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    edited = actions.edit_entry(
        acting_user=c.applicant,
        entry=entry,
        changes={"purpose": "電子申請と手数料の電子納付", "period_end": datetime.date(2027, 3, 31)},
        reason="手数料の電子納付を追加",
        expected_version=1,
    )
    assert edited.version == 2
    change = LedgerChange.objects.get(entry=entry)
    assert change.entry_version == 2
    assert change.changed_by == c.applicant
    assert change.changed_by_name == "申請 花子"
    assert change.before == {"purpose": "市民からの各種申請の受付", "period_end": None}
    assert change.after == {"purpose": "電子申請と手数料の電子納付", "period_end": "2027-03-31"}
    assert change.reason == "手数料の電子納付を追加"


def test_editing_is_audited_with_before_and_after() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    actions.edit_entry(
        acting_user=c.applicant, entry=entry, changes={"user_scope": "department"}, reason="所属内に限定"
    )
    event = AuditEvent.objects.filter(action="ledger.edit").get()
    assert event.before == {"user_scope": "organisation"}
    assert event.after == {"user_scope": "department", "reason": "所属内に限定"}
    assert event.target_id == str(entry.pk)


def test_the_note_is_editable_and_audited(client) -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    actions.edit_entry(
        acting_user=c.applicant, entry=entry, changes={"note": "令和8年度に更新予定"}, reason="備考を追記"
    )
    event = AuditEvent.objects.filter(action="ledger.edit").get()
    assert (event.before, event.after) == (
        {"note": ""},
        {"note": "令和8年度に更新予定", "reason": "備考を追記"},
    )
    client.force_login(c.applicant)
    page = client.get(f"/ledger/{entry.pk}/").content.decode()
    assert 'id="entry-note"' in page and "令和8年度に更新予定" in page
    assert 'name="note"' in client.get(f"/ledger/{entry.pk}/edit/").content.decode()


def test_kitakyushu_reports_ledger_changes_to_the_system_department() -> None:
    c = f.city("kitakyushu", overlays=())
    entry = f.entry(c, manager=c.head)
    Notification.objects.all().delete()
    actions.edit_entry(
        acting_user=c.head, entry=entry, changes={"purpose": "施設予約の受付"}, reason="業務内容の変更"
    )
    notification = Notification.objects.get()
    assert notification.user == c.system_department
    assert notification.verb == "ledger_changed"
    assert "システム管理部門への報告" in notification.text
    assert notification.url == entry.get_absolute_url()


def test_kitakyushu_reports_the_registration_to_the_system_department() -> None:
    c = f.city("kitakyushu", overlays=())
    f.entry(c, manager=c.head)
    assert Notification.objects.filter(user=c.system_department, verb="ledger_changed").count() == 1


def test_kitakyushu_low_track_changes_are_not_reported() -> None:
    # §3.3② and §3.4② stand in §3, which covers services handling 重要情報資産 only.
    c = f.city("kitakyushu", overlays=())
    entry = f.entry(c, high=False, approver=c.head)
    assert entry.track == "low"
    Notification.objects.all().delete()
    actions.edit_entry(
        acting_user=c.head, entry=entry, changes={"purpose": "施設予約の受付"}, reason="業務内容の変更"
    )
    assert not Notification.objects.filter(user=c.system_department).exists()


def test_kobe_reports_ledger_changes_to_nobody() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    Notification.objects.all().delete()
    actions.edit_entry(acting_user=c.applicant, entry=entry, changes={"purpose": "変更後"}, reason="変更")
    assert not Notification.objects.exists()


def test_kitakyushu_other_ledger_field_is_kept_in_fields_and_editable() -> None:
    c = f.city("kitakyushu", overlays=())
    entry = f.entry(c, manager=c.head)
    assert entry.fields == {"other": ""}
    edited = actions.edit_entry(
        acting_user=c.head,
        entry=entry,
        changes={"fields": {"other": "契約番号 R7-123"}},
        reason="契約番号を記載",
    )
    assert edited.fields == {"other": "契約番号 R7-123"}


def test_a_field_the_pack_does_not_list_is_refused() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(
            acting_user=c.applicant, entry=entry, changes={"fields": {"colour": "red"}}, reason="x"
        )
    assert refused.value.code == "field"


def test_columns_that_are_not_editable_are_refused() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(acting_user=c.applicant, entry=entry, changes={"status": "retired"}, reason="x")
    assert refused.value.code == "field"


def test_changing_the_manager_copies_the_new_name_and_grants_the_role() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    # Kobe 5.2.1③: to another of the department's 情報管理者等 (kumokan's applicant role).
    successor = f.member(c.municipality, Role.APPLICANT, c.department, last_name="後任", first_name="一郎")
    edited = actions.edit_entry(
        acting_user=c.administrator, entry=entry, changes={"service_manager": successor}, reason="人事異動"
    )
    assert edited.service_manager == successor
    assert edited.service_manager_name == "後任 一郎"
    assert has_role(successor, c.municipality, Role.SERVICE_MANAGER, c.department)
    change = LedgerChange.objects.get()
    assert change.before["service_manager"] == c.applicant.pk
    assert change.after["service_manager"] == successor.pk


def test_an_edit_that_changes_nothing_is_refused() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(
            acting_user=c.applicant, entry=entry, changes={"purpose": entry.purpose}, reason="x"
        )
    assert refused.value.code == "unchanged"


def test_an_edit_needs_a_reason() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(acting_user=c.applicant, entry=entry, changes={"purpose": "新"}, reason=" ")
    assert refused.value.code == "reason_required"


def test_only_the_service_manager_or_an_administrator_may_edit() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    for user in (c.head, c.security_manager, c.chief, c.system_department):
        with pytest.raises(PermissionDenied):
            actions.edit_entry(acting_user=user, entry=entry, changes={"purpose": "新"}, reason="x")
    actions.edit_entry(acting_user=c.administrator, entry=entry, changes={"purpose": "新"}, reason="x")


def test_the_administrator_of_another_municipality_may_not_edit() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    other = f.city("amagasaki")
    with pytest.raises(PermissionDenied):
        actions.edit_entry(
            acting_user=other.administrator, entry=entry, changes={"purpose": "新"}, reason="x"
        )


def test_an_edit_on_a_stale_version_is_a_conflict() -> None:
    c = f.city("kobe")
    entry = f.entry(c)
    actions.edit_entry(
        acting_user=c.applicant, entry=entry, changes={"purpose": "一"}, reason="x", expected_version=1
    )
    with pytest.raises(ConflictError):
        actions.edit_entry(
            acting_user=c.applicant, entry=entry, changes={"purpose": "二"}, reason="x", expected_version=1
        )


def test_a_retired_entry_cannot_be_edited() -> None:
    c = f.city("kobe")
    entry = lifecycle.retired(f.entry(c))
    with pytest.raises(WorkflowError) as refused:
        actions.edit_entry(acting_user=c.applicant, entry=entry, changes={"purpose": "新"}, reason="x")
    assert refused.value.code == "invalid_transition"
