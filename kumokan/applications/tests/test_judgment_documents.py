"""A judgment is stored once per municipality and shared by every snapshot with exactly that content
(issue 16, point 5): applications judged alike refer to one JudgmentDocument; snapshots stored in
their own row before documents existed read and decide as before."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from kumokan.applications import actions
from kumokan.applications.access import awaiting_decision_by
from kumokan.applications.choices import Outcome, Status
from kumokan.applications.judging import judge_facts, store_judgments
from kumokan.applications.models import JudgmentDocument, JudgmentSnapshot, judgment_digest
from kumokan.applications.tests import factories as f
from kumokan.documents.printed import printed_forms
from kumokan.ledger.models import LedgerEntry
from kumokan.lifecycle.models import ChecklistTask
from kumokan.tenancy.models import Municipality


@pytest.mark.django_db
def test_applications_judged_alike_share_one_document() -> None:
    c = f.city("kobe")
    first = f.draft(c, service_name="電子申請サービス")
    second = f.draft(c, service_name="施設予約サービス", provider="株式会社予約")
    one, two = first.judgment, second.judgment
    assert one is not None and two is not None
    assert one.pk != two.pk and one.facts["service_name"] != two.facts["service_name"]
    assert one.document_id == two.document_id
    assert JudgmentDocument.objects.filter(municipality=c.municipality).count() == 1
    document = JudgmentDocument.objects.get()
    assert document.digest == judgment_digest(one.judgment)
    assert document.judgment == judge_facts(c.municipality, one.facts).judgment


@pytest.mark.django_db
def test_another_judgment_is_another_document() -> None:
    c = f.city("kobe")
    high, low = f.draft(c, high=True), f.draft(c, high=False)
    assert high.judgment.document_id != low.judgment.document_id
    assert JudgmentDocument.objects.count() == 2
    assert low.judgment.judgment["track"] == "low"


@pytest.mark.django_db
def test_another_municipality_keeps_its_own_document() -> None:
    c = f.city("kobe")
    snapshot = f.draft(c).judgment
    other = Municipality.objects.create(
        slug="kobe-2", name="第二神戸市", pack_id="kobe", overlay_pack_ids=["special-terms"]
    )
    [document] = store_judgments(other, [snapshot.judgment])
    assert document.pk != snapshot.document_id
    assert document.judgment == snapshot.judgment


@pytest.mark.django_db
def test_a_snapshot_kept_in_its_row_reads_decides_and_prints_as_before() -> None:
    """Snapshots written before documents existed keep the judgment in their row."""
    c = f.city("kobe")
    application = f.submitted(c)
    snapshot = application.judgment
    judgment = snapshot.judgment
    JudgmentSnapshot.objects.filter(pk=snapshot.pk).update(inline_judgment=judgment, document=None)
    JudgmentDocument.objects.all().delete()

    old = f.fresh(application).judgment
    assert old.pk == snapshot.pk and old.document_id is None and old.judgment == judgment
    [queued] = [a for a in awaiting_decision_by(c.security_manager) if a.pk == application.pk]
    assert queued.queue_snapshot.track_label == judgment["track_label"]
    assert queued.queue_snapshot.self_approval is False
    assert printed_forms(f.fresh(application))
    actions.decide(
        acting_user=c.security_manager,
        application=application,
        outcome=Outcome.APPROVED,
        reason="",
        expected_version=f.fresh(application).version,
    )
    assert f.fresh(application).status == Status.APPROVED
    entry = LedgerEntry.objects.get(application=application)
    assert entry.classification_code == judgment["classification"]["confidentiality"]["code"]
    assert ChecklistTask.objects.filter(entry=entry).count() > 0
    assert not JudgmentDocument.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_second_document_of_one_digest() -> None:
    c = f.city("kobe")
    judgment = f.draft(c).judgment.judgment
    with pytest.raises(IntegrityError), transaction.atomic():
        JudgmentDocument.objects.create(
            municipality=c.municipality, digest=judgment_digest(judgment), judgment=judgment
        )


@pytest.mark.django_db
def test_the_database_refuses_a_snapshot_without_judgment() -> None:
    c = f.city("kobe")
    snapshot = f.draft(c).judgment
    with pytest.raises(IntegrityError), transaction.atomic():
        JudgmentSnapshot.objects.filter(pk=snapshot.pk).update(document=None)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_storing_one_judgment_at_once_keep_one_document() -> None:
    """The second waits on the unique index until the first commits, then shares its row."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writer at a time; this runs on PostgreSQL")
    c = f.city("kobe")
    judgment = judge_facts(c.municipality, f.facts("kobe")).judgment
    first_stored = threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                [results["first"]] = store_judgments(c.municipality, [judgment])
                first_stored.set()
                time.sleep(1)  # the second is now waiting on this transaction's row
        except Exception as exc:  # the test inspects what each thread got
            results["first"] = exc
        finally:
            first_stored.set()
            connection.close()

    def second() -> None:
        try:
            first_stored.wait(timeout=30)
            with transaction.atomic():
                [results["second"]] = store_judgments(c.municipality, [judgment])
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(results["first"], JudgmentDocument), results
    assert isinstance(results["second"], JudgmentDocument), results
    assert results["first"].pk == results["second"].pk
    assert JudgmentDocument.objects.filter(municipality=c.municipality).count() == 1
