"""Termination (Kobe §7, Amagasaki (２以上)4.5): every step recorded, then 廃止済み; never before."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.errors import WorkflowError, rendered
from kumokan.ledger.choices import EntryStatus
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.actions import entries
from kumokan.lifecycle.actions.incidents import report_incident
from kumokan.lifecycle.actions.termination import (
    complete_termination,
    confirm_accounts,
    record_disposal,
    record_termination_plan,
    record_user_notice,
    request_termination,
)
from kumokan.lifecycle.choices import (
    AccountOutcome,
    DisposalMethod,
    TaskStatus,
    TerminationStatus,
    TerminationStep,
)
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry, in_operation, reload, retired, terminated_up_to

pytestmark = pytest.mark.django_db


def test_the_high_track_requires_crypto_erase_citing_the_judgments_termination_items() -> None:
    # Kobe 3.7③ applies where highly confidential information (住民情報等) is stored.
    e = in_operation(city("kobe"), handles_personal_info=True)
    termination = request_termination(acting_user=e.service_manager, entry=e, reason="移行のため")
    assert termination.crypto_erase_required is True
    cited = {(item["pack"], item["source"]["clause"]) for item in termination.crypto_erase_basis}
    assert cited == {("kobe", "3.7③"), ("special-terms", "運用・保守時 No.19")}


def test_crypto_erase_without_deleting_the_key_backups_is_refused() -> None:
    e = in_operation(city("kobe"))
    termination = terminated_up_to(e, TerminationStep.NOTICE)
    for method, backups in ((DisposalMethod.DELETION, True), (DisposalMethod.CRYPTO_ERASE, False)):
        with pytest.raises(WorkflowError) as refused:
            record_disposal(
                acting_user=e.service_manager,
                termination=termination,
                method=method,
                key_backups_deleted=backups,
                note="削除した",
            )
        assert refused.value.code == "crypto_erase_required"
        assert "No.19" in refused.value.ja
    assert reload(termination).disposal_recorded_at is None


def test_kobe_without_resident_information_still_crypto_erases_under_the_special_terms_only() -> None:
    termination = request_termination(
        acting_user=(e := in_operation(city("kobe"))).service_manager, entry=e, reason="移行のため"
    )
    assert termination.crypto_erase_required is True
    assert {item["pack"] for item in termination.crypto_erase_basis} == {"special-terms"}


def test_amagasaki_high_track_asks_no_crypto_erase_where_its_judgment_does_not() -> None:
    e = in_operation(city("amagasaki", overlays=()))
    termination = request_termination(acting_user=e.service_manager, entry=e, reason="廃止")
    assert termination.crypto_erase_required is False
    done = record_disposal(
        acting_user=e.service_manager,
        termination=termination,
        method=DisposalMethod.PROVIDER_DELETION,
        key_backups_deleted=False,
        note="提供者の消去証明書を受領",
    )
    assert done.disposal_method == DisposalMethod.PROVIDER_DELETION


def test_the_low_track_needs_no_crypto_erase() -> None:
    e = entry(city("kobe"), high=False)
    termination = request_termination(acting_user=e.service_manager, entry=e, reason="利用終了")
    assert termination.crypto_erase_required is False


def test_retirement_is_refused_while_a_termination_step_is_open() -> None:
    e = in_operation(city("kobe"))
    with pytest.raises(WorkflowError) as refused:
        entries.retire(acting_user=e.service_manager, entry=e, reason="終了")
    assert refused.value.code == "termination_missing"
    terminated_up_to(e, TerminationStep.DISPOSAL)
    with pytest.raises(WorkflowError) as refused:
        entries.retire(acting_user=e.service_manager, entry=e, reason="終了")
    assert refused.value.code == "termination_open"
    assert "利用者アカウントの削除" in refused.value.ja or "user accounts" in refused.value.en
    assert reload(e).status == EntryStatus.IN_OPERATION


def test_completion_is_refused_while_a_step_is_open() -> None:
    e = in_operation(city("kobe"))
    termination = terminated_up_to(e, TerminationStep.ADMIN_ACCOUNTS)
    with pytest.raises(WorkflowError) as refused:
        complete_termination(acting_user=e.service_manager, termination=termination, note="完了")
    assert "special accounts" in refused.value.en
    assert reload(termination).status == TerminationStatus.IN_PROGRESS


def test_completing_every_step_retires_the_entry_which_stays_in_the_ledger() -> None:
    e = retired(in_operation(city("kobe")))
    assert e.status == EntryStatus.RETIRED and e.retired_at is not None
    assert LedgerEntry.objects.filter(pk=e.pk).exists()
    assert e.termination.status == TerminationStatus.COMPLETED
    assert e.termination.completed_by == e.service_manager
    steps = AuditEvent.objects.filter(
        action=Action.LIFECYCLE_TERMINATION_STEP, target_id=str(e.termination.pk)
    )
    assert {event.after["step"] for event in steps} == {step.value for step in TerminationStep}
    assert AuditEvent.objects.filter(action=Action.LEDGER_RETIRE, target_id=str(e.pk)).count() == 1


def test_an_approved_service_never_used_may_be_terminated_too() -> None:
    e = retired(entry(city("kobe")))
    assert e.status == EntryStatus.RETIRED


def test_each_account_kind_is_confirmed_separately() -> None:
    e = in_operation(city("kobe"))
    termination = terminated_up_to(e, TerminationStep.DISPOSAL)
    done = confirm_accounts(
        acting_user=e.service_manager,
        termination=termination,
        step=TerminationStep.SPECIAL_ACCOUNTS,
        outcome=AccountOutcome.NONE_EXISTED,
    )
    assert done.open_steps() == [TerminationStep.USER_ACCOUNTS, TerminationStep.ADMIN_ACCOUNTS]
    with pytest.raises(WorkflowError):
        confirm_accounts(
            acting_user=e.service_manager,
            termination=termination,
            step=TerminationStep.PLAN,
            outcome=AccountOutcome.DELETED,
        )


def test_the_plan_document_is_kept_in_the_private_storage() -> None:
    e = in_operation(city("kobe"))
    termination = request_termination(acting_user=e.service_manager, entry=e, reason="移行")
    document = SimpleUploadedFile("移行計画書.docx", b"plan", content_type="application/octet-stream")
    done = record_termination_plan(
        acting_user=e.service_manager, termination=termination, text="", document=document
    )
    try:
        assert done.plan_file_name == "移行計画書.docx"
        assert done.plan_file.name.startswith(f"kobe/lifecycle/{e.pk}/")
    finally:
        done.plan_file.delete(save=False)


def test_a_notice_dated_in_the_future_is_refused() -> None:
    e = in_operation(city("kobe"))
    termination = request_termination(acting_user=e.service_manager, entry=e, reason="移行")
    with pytest.raises(WorkflowError):
        record_user_notice(
            acting_user=e.service_manager,
            termination=termination,
            notified_on=timezone.localdate() + datetime.timedelta(days=1),
            note="",
        )


def test_only_the_service_manager_or_an_administrator_ends_the_use() -> None:
    c = city("kobe")
    e = in_operation(c)
    for someone in (c.staff, c.security_manager, c.chief):
        with pytest.raises(PermissionDenied):
            request_termination(acting_user=someone, entry=e, reason="終了")
    termination = request_termination(acting_user=c.administrator, entry=e, reason="終了")
    with pytest.raises(PermissionDenied):
        record_termination_plan(acting_user=c.staff, termination=termination, text="計画")


def test_termination_is_requested_once_and_notifies_the_governing_roles() -> None:
    c = city("kobe")
    e = in_operation(c)
    request_termination(acting_user=e.service_manager, entry=e, reason="移行")
    assert c.security_manager.notifications.filter(verb="termination").count() == 1
    with pytest.raises(WorkflowError):
        request_termination(acting_user=e.service_manager, entry=e, reason="移行")


def test_a_completed_termination_cannot_be_changed() -> None:
    e = retired(in_operation(city("kobe")))
    with pytest.raises(WorkflowError):
        record_termination_plan(acting_user=e.service_manager, termination=e.termination, text="変更")


def test_retirement_leaves_no_checklist_task_not_started_and_states_why() -> None:
    # Issue 15 point 6: a retired service's open items end with a stated outcome, never 未着手.
    e = in_operation(city("kobe"))
    open_before = set(
        ChecklistTask.objects.filter(entry=e, status=TaskStatus.OPEN).values_list("pk", flat=True)
    )
    assert open_before
    assert retired(e).status == EntryStatus.RETIRED
    closed = ChecklistTask.objects.filter(pk__in=open_before)
    # Those a recorded step carried out are done (test_termination_items_done.py); the others 該当なし.
    assert set(closed.values_list("status", flat=True)) == {TaskStatus.NOT_APPLICABLE, TaskStatus.CONFIRMED}
    assert all(task.system_note and task.confirmed_at for task in closed)
    skipped = closed.filter(status=TaskStatus.NOT_APPLICABLE)[0]
    assert {rendered(skipped.note_text, "ja"), rendered(skipped.note_text, "en")} == {
        "利用終了（廃止）により、実施しないまま終了した。",
        "Closed without being carried out: the service was retired.",
    }
    events = AuditEvent.objects.filter(
        action=Action.LIFECYCLE_TASK_DECIDE, target_id__in=[str(pk) for pk in open_before]
    )
    assert events.count() == len(open_before)


def test_retirement_is_refused_while_an_incident_is_open() -> None:
    e = in_operation(city("kobe"))
    report_incident(acting_user=e.service_manager, entry=e, title="誤送信", description="宛先を誤った")
    termination = terminated_up_to(e, TerminationStep.SPECIAL_ACCOUNTS)
    with pytest.raises(WorkflowError) as refused:
        complete_termination(acting_user=e.service_manager, termination=termination, note="完了")
    assert refused.value.code == "open_matters"
    assert reload(e).status == EntryStatus.IN_OPERATION
    assert ChecklistTask.objects.filter(entry=e, status=TaskStatus.OPEN).exists()
