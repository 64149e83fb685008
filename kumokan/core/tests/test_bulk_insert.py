"""kumokan.core.bulk.insert_new writes what bulk_create would: every value prepared as the field
prepares it, the ids set, a foreign key to an instance saved after it was assigned taking its id."""

from __future__ import annotations

import datetime
import gc

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kumokan.applications.models import JudgmentDocument
from kumokan.catalog.choices import ServiceModel
from kumokan.catalog.models import CloudService, Provider, name_key
from kumokan.core.bulk import as_copied, collector_paused, insert_new, insert_rows
from kumokan.tenancy.models import Municipality

pytestmark = pytest.mark.django_db


def test_rows_are_written_in_order_with_their_ids_and_related_ids():
    city = Municipality.objects.create(slug="bulk", name="一括市", pack_id="kobe")
    providers = [
        Provider(municipality=city, name=f"提供者{i}", name_key=name_key(f"提供者{i}")) for i in range(3)
    ]
    services = [
        CloudService(
            provider=provider,
            name="電子申請",
            service_model=ServiceModel.SAAS,
            name_key=name_key("電子申請"),
            function_key="",
        )
        for provider in providers
    ]
    insert_new(providers)
    insert_new(services)
    assert [p.pk for p in providers] == sorted(p.pk for p in providers)
    assert all(not p._state.adding for p in providers)
    for provider, service in zip(providers, services, strict=True):
        stored = CloudService.objects.select_related("provider").get(pk=service.pk)
        assert stored.provider.name == provider.name and stored.provider_id == provider.pk
        assert stored.service_model == "saas" and stored.function_name == ""


def test_values_that_need_preparing_read_back_equal():
    city = Municipality.objects.create(slug="bulk", name="一括市", pack_id="kobe")
    at = timezone.make_aware(datetime.datetime(2026, 4, 1, 9, 30, 15, 123456))
    document = JudgmentDocument(
        municipality=city,
        digest="d" * 64,
        judgment={"track": "high", "items": [1, "二", None]},
        created_at=at,
    )
    insert_new([document])
    stored = JudgmentDocument.objects.get(pk=document.pk)
    assert stored.judgment == {"track": "high", "items": [1, "二", None]}
    assert stored.created_at == at


def test_the_database_constraints_hold():
    city = Municipality.objects.create(slug="bulk", name="一括市", pack_id="kobe")
    twice = [JudgmentDocument(municipality=city, digest="e" * 64, judgment={}) for _ in range(2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_new(twice)
    assert not JudgmentDocument.objects.exists()


def prepared_documents(city, judgment, digests):
    """JudgmentDocument rows with their values prepared as their fields prepare them, JSON once."""
    fields = [f for f in JudgmentDocument._meta.concrete_fields if not f.primary_key]
    at = timezone.make_aware(datetime.datetime(2026, 4, 1, 9, 30, 15, 123456))
    rows = []
    for digest in digests:
        document = JudgmentDocument(municipality=city, digest=digest, judgment=judgment, created_at=at)
        rows.append([as_copied(f.get_db_prep_save(f.pre_save(document, True), connection)) for f in fields])
    return fields, rows


def test_prepared_rows_are_written_as_they_read_back():
    """insert_rows (COPY on PostgreSQL, executemany elsewhere): text that COPY must escape, JSON prepared
    once for every row, and a time read back equal."""
    city = Municipality.objects.create(slug="bulk", name="一括市", pack_id="kobe")
    judgment = {"track": "高", "text": 'tab\there, line\nnext, back\\slash, "quoted"', "items": [1, None]}
    fields, rows = prepared_documents(city, judgment, [f"{n:064d}" for n in range(3)])
    with transaction.atomic():
        assert insert_rows(JudgmentDocument, fields, rows) == 3
    stored = list(JudgmentDocument.objects.order_by("digest"))
    assert [d.digest for d in stored] == [f"{n:064d}" for n in range(3)]
    assert all(d.judgment == judgment and d.municipality_id == city.pk for d in stored)
    assert stored[0].created_at == timezone.make_aware(datetime.datetime(2026, 4, 1, 9, 30, 15, 123456))


def test_prepared_rows_meet_the_database_constraints_as_django_errors():
    city = Municipality.objects.create(slug="bulk", name="一括市", pack_id="kobe")
    fields, rows = prepared_documents(city, {}, ["f" * 64, "f" * 64])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(JudgmentDocument, fields, rows)
    assert not JudgmentDocument.objects.exists()


def test_the_collector_is_paused_for_a_bulk_write_and_runs_again_after_it_even_on_failure():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # whoever paused it before decides when it runs again
    finally:
        gc.enable()
