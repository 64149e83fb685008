"""Large files are checked and imported by background jobs with progress, and a row limit holds
(issue 16 point 5, issue 13 hole 6). The jobs run eagerly here, once the request's transaction has
committed, as the queue would run them after it."""

from __future__ import annotations

import io

import pytest

from kumokan.config import celery_app
from kumokan.documents import actions
from kumokan.documents.choices import ImportStatus
from kumokan.documents.ledger_import import BACKGROUND_FROM_ROWS, ROW_LIMIT
from kumokan.documents.models import LedgerImport
from kumokan.documents.tests.exchange import empty_city
from kumokan.documents.tests.test_ledger_import import csv_file, many_rows, row
from kumokan.errors import WorkflowError
from kumokan.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db

ROWS = BACKGROUND_FROM_ROWS + 20


@pytest.fixture
def eager():
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def upload(client, municipality, data, name="台帳.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(
        "/documents/ledger/imports/",
        {"municipality": municipality.slug, "file": file, "encoding": "auto"},
        follow=True,
    )


def test_a_large_file_is_checked_in_the_background_with_progress_and_the_result_kept(
    client, eager, django_capture_on_commit_callbacks
):
    municipality, admin = empty_city()
    client.force_login(admin)
    with django_capture_on_commit_callbacks() as jobs:
        response = upload(client, municipality, csv_file(*many_rows(ROWS)))
    ledger_import = response.context["ledger_import"]
    assert ledger_import.status == ImportStatus.CHECKING
    text = response.content.decode()
    assert "確認中（バックグラウンド）" in text
    assert f'hx-get="/documents/ledger/imports/{ledger_import.pk}/progress/"' in text
    assert len(jobs) == 1
    jobs[0]()  # the queue runs the job
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.CHECKED
    assert ledger_import.report["rows"] == ROWS
    assert (ledger_import.progress_done, ledger_import.progress_total) == (ROWS, ROWS)
    progress = client.get(f"/documents/ledger/imports/{ledger_import.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    assert not LedgerEntry.objects.filter(municipality=municipality).exists()


def test_a_large_file_is_imported_in_the_background(client, eager, django_capture_on_commit_callbacks):
    municipality, admin = empty_city()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        ledger_import = upload(client, municipality, csv_file(*many_rows(ROWS))).context["ledger_import"]
    with django_capture_on_commit_callbacks() as jobs:
        response = client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/", follow=True)
    assert "バックグラウンドで実行しています" in response.content.decode()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.IMPORTING
    progress = client.get(f"/documents/ledger/imports/{ledger_import.pk}/progress/")
    assert "HX-Refresh" not in progress and "<progress" in progress.content.decode()
    # Started twice (a double click): the second start is refused, the job runs once.
    with pytest.raises(WorkflowError, match="取り込める状態ではありません"):
        actions.start_import(acting_user=admin, ledger_import=LedgerImport.objects.get(pk=ledger_import.pk))
    jobs[0]()
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.COMMITTED
    assert ledger_import.created_count == ROWS
    assert LedgerEntry.objects.filter(municipality=municipality).count() == ROWS


def test_a_small_file_is_still_checked_and_imported_in_the_request(client):
    municipality, admin = empty_city()
    client.force_login(admin)
    ledger_import = upload(client, municipality, csv_file(row())).context["ledger_import"]
    assert ledger_import.status == ImportStatus.CHECKED
    client.post(f"/documents/ledger/imports/{ledger_import.pk}/commit/")
    assert LedgerEntry.objects.filter(municipality=municipality).count() == 1


def test_a_file_over_the_row_limit_is_refused_with_a_clear_message(eager, django_capture_on_commit_callbacks):
    municipality, admin = empty_city()
    lines = ["所属,クラウドサービスの名称"] + [f"市民局 住民課,サービス{n}" for n in range(ROW_LIMIT + 1)]
    with django_capture_on_commit_callbacks(execute=True):
        ledger_import = actions.upload(
            acting_user=admin, municipality=municipality, name="big.csv", data="\n".join(lines).encode()
        )
    ledger_import.refresh_from_db()
    assert ledger_import.status == ImportStatus.REFUSED
    problem = ledger_import.report["problems"][0]
    assert f"{ROW_LIMIT:,}行まで" in problem["ja"] and "at most" in problem["en"]
