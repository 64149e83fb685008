"""The real queue: a task sent through Redis is run by a real Celery worker in another process.

scripts/test starts a private Redis and sets KUMOKAN_TEST_REDIS_URL; the worker is started here. The
worker must see the test database, so this runs in the PostgreSQL pass (SQLite's test database lives
in the memory of the test process).
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from kumokan.lifecycle.choices import RecheckStatus
from kumokan.lifecycle.models import Recheck
from kumokan.lifecycle.tasks import scan_due_dates
from kumokan.lifecycle.tests.factories import city, in_operation
from kumokan.notifications.models import Notification

# Each pytest-xdist worker (gw0, gw1…) uses a Redis database of its own, so none takes another's task.
_redis = urlsplit(os.environ.get("KUMOKAN_TEST_REDIS_URL", ""))
_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
REDIS_URL = urlunsplit(_redis._replace(path=f"/{_worker}")) if _redis.netloc else ""
ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.skipif(
        not REDIS_URL, reason="needs the Redis that scripts/test starts (KUMOKAN_TEST_REDIS_URL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def _test_database_url() -> str:
    """The URL of the database this test runs on, for the worker process."""
    url = urlsplit(os.environ["KUMOKAN_DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def start_worker(*, hostname: str = "", queues: str = "") -> subprocess.Popen[bytes]:
    """A real Celery worker process on the test database and the test Redis (one task at a time);
    `hostname` and `queues` (comma-separated) for a second worker or a queue of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process cannot see SQLite's in-memory test database; runs on PostgreSQL")
    env = dict(
        os.environ,
        KUMOKAN_REDIS_URL=REDIS_URL,
        KUMOKAN_DATABASE_URL=_test_database_url(),
        DJANGO_SETTINGS_MODULE="kumokan.config.testing",
    )
    options = [f"--hostname={hostname}"] if hostname else []
    options += [f"--queues={queues}", "--prefetch-multiplier=1"] if queues else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kumokan.config",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop_worker(process: subprocess.Popen[bytes]) -> str:
    """Stop the worker (warm shutdown) and return the end of its log, printed for a failing test."""
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    log = output.decode(errors="replace")
    print(log[-4000:])
    return log


@pytest.fixture
def worker(transactional_db: None) -> Iterator[subprocess.Popen[bytes]]:
    process = start_worker()
    try:
        yield process
    finally:
        stop_worker(process)


def test_a_real_worker_runs_the_daily_scan_sent_through_redis(worker: subprocess.Popen[bytes]) -> None:
    c = city("amagasaki", overlays=())
    e = in_operation(c)
    Recheck.objects.filter(entry=e, status=RecheckStatus.OPEN).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    # Sent by name through a client app of its own, as another process would: kumokan's app builds
    # its result store once per process from the settings of the moment (an eager task run by an
    # earlier test builds it for the default Redis), and the test leaves that app as it found it.
    with Celery("kumokan-test-client", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False) as client:
        result = client.send_task(scan_due_dates.name)
        counts = result.get(timeout=120)
        assert result.successful()
    assert counts["escalated"] == 3
    # The worker, not this process, wrote the escalations.
    assert Notification.objects.filter(user=c.chief, verb="recheck_overdue").count() == 3
    assert Recheck.objects.filter(entry=e, escalated_at__isnull=False).count() == 3
