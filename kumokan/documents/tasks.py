"""Background jobs of the ledger import: checking and importing files of more than a few hundred rows
(issue 13 hole 6), so that no request holds a worker for the length of a large file.

The result is kept on the LedgerImport (status, report, progress); a job that fails unexpectedly
leaves the file refused with a problem saying so, never half-imported (the import is one transaction).
A job whose worker is killed cannot say so: its silence shows it (LedgerImport.job_stopped), and the
import's page offers to run it again (actions.retry_job).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import Problem
from kumokan.documents.models import LedgerImport
from kumokan.errors import WorkflowError

log = logging.getLogger(__name__)


@shared_task(name="kumokan.documents.check_import")
def check_import(pk: int, user_pk: int) -> str:
    """Check a kept file (the dry run) and keep the result."""
    _started(pk)
    ledger_import = LedgerImport.objects.select_related("municipality").get(pk=pk)
    user = get_user_model().objects.get(pk=user_pk)
    try:
        done = actions.run_check(acting_user=user, ledger_import=ledger_import)
    except Exception:
        log.exception("ledger import %s: the background check failed", pk)
        _failed(pk, ImportStatus.CHECKING)
        raise
    return str(done.status)


@shared_task(name="kumokan.documents.commit_import")
def commit_import(pk: int, user_pk: int) -> str:
    """Import a checked file whole, or nothing (actions.import_checked_file)."""
    _started(pk)
    ledger_import = LedgerImport.objects.select_related("municipality").get(pk=pk)
    user = get_user_model().objects.get(pk=user_pk)
    try:
        done = actions.import_checked_file(acting_user=user, ledger_import=ledger_import, background=True)
    except WorkflowError:
        # Refused by the check inside the transaction, the import says why (import_checked_file);
        # beaten by another import of the same rows, it is left to be checked and started again.
        LedgerImport.objects.filter(pk=pk, status=ImportStatus.IMPORTING).update(status=ImportStatus.CHECKED)
        return str(LedgerImport.objects.get(pk=pk).status)
    except Exception:
        log.exception("ledger import %s: the background import failed", pk)
        _failed(pk, ImportStatus.IMPORTING)
        raise
    return str(done.status)


def _started(pk: int) -> None:
    """The job's first sign of life (LedgerImport.job_heartbeat_at), before its transaction locks the row."""
    LedgerImport.objects.filter(pk=pk).update(job_heartbeat_at=timezone.now())


def _failed(pk: int, running: str) -> None:
    problem = Problem(
        None,
        "",
        "処理中にエラーが起きたため、何も取り込んでいません。もう一度お試しください。",
        "the background job failed; nothing was imported. Try again.",
    )
    LedgerImport.objects.filter(pk=pk, status=running).update(
        status=ImportStatus.REFUSED, report={"problems": [problem.as_dict()]}
    )
