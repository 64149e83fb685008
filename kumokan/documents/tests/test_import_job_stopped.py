"""A background job whose worker was killed does not stay 取込中 forever (issue 16): silent for
KUMOKAN_IMPORT_JOB_STOPPED_MINUTES (30 by default) it is shown as failed, and the importer can run it again; a live one cannot be doubled."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.models import LedgerImport, job_stopped_after
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_import_jobs import ROWS, eager, upload  # noqa: F401 (a fixture)
from kumokan.documents.tests.test_ledger_import import csv_file, many_rows
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def silent_for(ledger_import, delta):
    """As if its worker had given no sign of life for `delta` (it was killed)."""
    LedgerImport.objects.filter(pk=ledger_import.pk).update(job_heartbeat_at=timezone.now() - delta)
    ledger_import.refresh_from_db()
    return ledger_import


def importing_whose_job_never_ran(client, django_capture_on_commit_callbacks):
    """A large file checked, then its import queued; the worker dies before finishing (the job's
    transaction rolled back with it), so the import stays 取込中."""
    municipality, admin = empty_city()
    client.force_login(admin)
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin, municipality=municipality, name="台帳.csv", data=csv_file(*many_rows(ROWS))
    )
    assert ledger_import.status == ImportStatus.CHECKED, ledger_import.report["problems"]
    with django_capture_on_commit_callbacks() as jobs:
        started = actions.start_import(acting_user=admin, ledger_import=ledger_import)
    assert started.status == ImportStatus.IMPORTING and len(jobs) == 1
    return municipality, admin, started


def test_a_job_heard_from_lately_is_still_running(client, django_capture_on_commit_callbacks):
    _municipality, admin, ledger_import = importing_whose_job_never_ran(
        client, django_capture_on_commit_callbacks
    )
    silent_for(ledger_import, job_stopped_after() - datetime.timedelta(minutes=1))
    assert not ledger_import.job_stopped()
    page = client.get(ledger_import.get_absolute_url()).content.decode()
    assert 'id="job-stopped"' not in page and 'id="import-progress"' in page
    with pytest.raises(WorkflowError) as refused:
        actions.retry_job(acting_user=admin, ledger_import=ledger_import)
    assert refused.value.code == "import_state"


def test_a_silent_job_is_shown_as_failed_with_a_way_to_run_it_again(
    client, django_capture_on_commit_callbacks
):
    municipality, _admin, ledger_import = importing_whose_job_never_ran(
        client, django_capture_on_commit_callbacks
    )
    silent_for(ledger_import, job_stopped_after() + datetime.timedelta(minutes=1))
    assert ledger_import.job_stopped()
    page = client.get(ledger_import.get_absolute_url()).content.decode()
    assert 'id="job-stopped"' in page
    assert "失敗: バックグラウンドの処理が終わらないまま止まりました。" in page
    assert "処理をやり直す" in page
    assert 'id="import-progress"' not in page
    assert "失敗（処理が停止）" in client.get("/documents/ledger/imports/").content.decode()
    # The page polling the progress reloads itself to show it.
    progress = client.get(f"/documents/ledger/imports/{ledger_import.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()


def test_the_silence_that_counts_as_stopped_is_a_setting(
    client, django_capture_on_commit_callbacks, settings
):
    _municipality, _admin, ledger_import = importing_whose_job_never_ran(
        client, django_capture_on_commit_callbacks
    )
    assert job_stopped_after() == datetime.timedelta(minutes=30)
    silent_for(ledger_import, datetime.timedelta(minutes=6))
    assert not ledger_import.job_stopped()
    settings.IMPORT_JOB_STOPPED_MINUTES = 5
    assert ledger_import.job_stopped()
    assert 'id="job-stopped"' in client.get(ledger_import.get_absolute_url()).content.decode()


def test_running_a_stopped_import_again_imports_the_file(client, eager, django_capture_on_commit_callbacks):  # noqa: F811
    municipality, admin, ledger_import = importing_whose_job_never_ran(
        client, django_capture_on_commit_callbacks
    )
    silent_for(ledger_import, job_stopped_after() * 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/retry/", follow=True)
    assert "処理をもう一度始めました。" in response.content.decode()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.COMMITTED
    assert LedgerEntry.objects.filter(municipality=municipality).count() == ROWS
    retried = AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_CHECK, target_id=str(ledger_import.pk))
    assert [e.after.get("retried") for e in retried if "retried" in e.after] == ["commit"]
    # Done, it is no longer something to run again.
    with pytest.raises(WorkflowError):
        actions.retry_job(acting_user=admin, ledger_import=ledger_import)


def test_a_stopped_check_is_run_again(client, eager, django_capture_on_commit_callbacks):  # noqa: F811
    municipality, admin = empty_city()
    client.force_login(admin)
    with django_capture_on_commit_callbacks() as jobs:
        response = upload(client, municipality, csv_file(*many_rows(ROWS)))
    ledger_import = response.context["ledger_import"]
    assert ledger_import.status == ImportStatus.CHECKING and len(jobs) == 1
    silent_for(ledger_import, job_stopped_after() + datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        actions.retry_job(acting_user=admin, ledger_import=ledger_import)
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.CHECKED
    assert ledger_import.report["rows"] == ROWS
    assert ledger_import.job_heartbeat_at > timezone.now() - datetime.timedelta(minutes=1)


def test_only_a_running_import_can_have_stopped(client, django_capture_on_commit_callbacks):
    municipality, admin = empty_city()
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin, municipality=municipality, name="台帳.csv", data=csv_file(*many_rows(3))
    )
    silent_for(ledger_import, job_stopped_after() * 3)
    assert not ledger_import.job_stopped()
    client.force_login(admin)
    response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/retry/", follow=True)
    assert "このファイルの処理は止まっていません" in response.content.decode()
    assert client.get(f"/documents/ledger/imports/{ledger_import.pk}/retry/").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_live_import_holding_its_row_is_not_run_a_second_time():
    """However long it has been silent, an import whose transaction still holds its row is alive."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks of a second connection: PostgreSQL (SQLite has one writer at a time)")
    municipality, admin = empty_city()
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin, municipality=municipality, name="台帳.csv", data=csv_file(*many_rows(3))
    )
    LedgerImport.objects.filter(pk=ledger_import.pk).update(status=ImportStatus.IMPORTING)
    ledger_import = silent_for(ledger_import, job_stopped_after() * 2)
    holding, done = threading.Event(), threading.Event()

    def live_import() -> None:
        try:
            with transaction.atomic():
                LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
                holding.set()
                done.wait(30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=live_import)
    worker.start()
    try:
        assert holding.wait(30)
        with pytest.raises(WorkflowError) as refused:
            actions.retry_job(acting_user=admin, ledger_import=ledger_import)
        assert refused.value.code == "job_running"
        assert "まだ動いています" in refused.value.ja
    finally:
        done.set()
        worker.join(30)
    assert LedgerImport.objects.get(pk=ledger_import.pk).job_heartbeat_at == ledger_import.job_heartbeat_at
