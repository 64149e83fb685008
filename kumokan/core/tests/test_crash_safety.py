"""A process killed with SIGKILL in the middle of a long ledger import leaves nothing half-written.

A large file is imported by a background job (kumokan.documents.tasks.commit_import): the job runs in
its own process against the test database (on SQLite: a copy of it made with the database part of
`manage.py backup`, read back afterwards as `manage.py restore` does), as a worker would run it, and
the whole process group is killed while the import runs inside its transaction.
"""

from __future__ import annotations

import datetime
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kumokan.applications.models import Application
from kumokan.applications.tests import factories as f
from kumokan.audit.choices import Action
from kumokan.audit.models import AuditEvent
from kumokan.core import backups
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.models import LedgerImport, job_stopped_after
from kumokan.documents.tasks import commit_import
from kumokan.documents.tests.test_ledger_import import csv_file, row
from kumokan.ledger.models import LedgerEntry

ROOT = Path(__file__).resolve().parents[3]
ROWS = 3000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(tmp_path: Path) -> str:
    """The URL the server process uses: the test database itself, or on SQLite a file copy of it."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "server.sqlite3"
        backups.backup_database(copy)
        return f"sqlite:///{copy}"
    db = connection.settings_dict
    host = db["HOST"] or db["OPTIONS"].get("host", "")
    return (
        f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
        if host.startswith("/")
        else (f"postgres://{db['USER']}:{db['PASSWORD']}@{host}:{db['PORT'] or 5432}/{db['NAME']}")
    )


def writing(url: str) -> bool:
    """Whether another connection holds an open transaction that has written something."""
    if url.startswith("sqlite:///"):
        # Rollback journal: the file exists from a transaction's first write until it ends.
        return Path(url.removeprefix("sqlite:///") + "-journal").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return bool(cursor.fetchone()[0])


def wait_until_writing(url: str) -> None:
    """Until the server has been writing for a moment (not a short write such as the session's)."""
    deadline = time.monotonic() + 120
    since = None
    while time.monotonic() < deadline:
        if writing(url):
            since = since or time.monotonic()
            if time.monotonic() - since > 0.3:
                return
        else:
            since = None
        time.sleep(0.02)
    raise AssertionError("the import never started writing")


def start_job(url: str, pk: int, user_pk: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    """The import job in a process of its own, as a Celery worker runs it."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("KUMOKAN_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "KUMOKAN_DEBUG": "true",
        "KUMOKAN_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "kumokan.config.settings",
    }
    code = (
        "import django; django.setup(); "
        "from kumokan.documents.tasks import commit_import; "
        f"commit_import({pk}, {user_pk})"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "job.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group
    )


@pytest.mark.django_db(transaction=True)
def test_killing_the_job_during_an_import_leaves_no_half_import(tmp_path: Path) -> None:
    city = f.city("kobe")
    admin = city.administrator
    names = [f"一括登録サービス{n:04d}" for n in range(ROWS)]
    data = csv_file(*[row(**{"クラウドサービスの名称": name}) for name in names])
    ledger_import = actions.dry_run_ledger_import(
        acting_user=admin, municipality=city.municipality, name="台帳.csv", data=data
    )
    assert ledger_import.status == ImportStatus.CHECKED
    # As start_import leaves a large file for its job (sent to no queue here: the job is started below).
    LedgerImport.objects.filter(pk=ledger_import.pk).update(status=ImportStatus.IMPORTING)
    entries_before, events_before = LedgerEntry.objects.count(), AuditEvent.objects.count()
    url = database_url(tmp_path)
    job = start_job(url, ledger_import.pk, admin.pk, tmp_path)
    try:
        wait_until_writing(url)  # the import's transaction has written rows and not committed
        assert job.poll() is None, (
            "the job ended before it was killed:\n" + (tmp_path / "job.log").read_text()
        )
    finally:
        os.killpg(job.pid, signal.SIGKILL)
        job.wait(timeout=30)
    if connection.vendor == "sqlite":
        # Opening the copy rolls back the transaction the killed server left in its journal.
        backups.restore_database(Path(url.removeprefix("sqlite:///")))

    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.IMPORTING
    # The killed job said when it started; its silence since is what shows it stopped (the import's
    # page then offers to run it again, documents/tests/test_import_job_stopped.py).
    assert ledger_import.job_heartbeat_at is not None and not ledger_import.job_stopped()
    later = ledger_import.job_heartbeat_at + job_stopped_after() + datetime.timedelta(seconds=1)
    assert ledger_import.job_stopped(now=later)
    assert LedgerEntry.objects.count() == entries_before
    assert not Application.objects.filter(service__name__in=names[:10]).exists()
    assert AuditEvent.objects.count() == events_before
    assert not AuditEvent.objects.filter(action=Action.LEDGER_IMPORT_COMMIT).exists()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK")
    # Nothing is left locked or half-done: the same import now runs to the end.
    commit_import(ledger_import.pk, admin.pk)
    ledger_import.refresh_from_db()
    assert ledger_import.created_count == ROWS
    assert LedgerEntry.objects.count() == entries_before + ROWS
