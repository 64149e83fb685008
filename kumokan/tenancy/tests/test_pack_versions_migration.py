"""Migration tenancy 0003 moves the adopted pack versions from lifecycle with their ids (re-checks point
at them) and logs each as one adoption, in the order they were adopted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kumokan.tenancy.models import Municipality, PackAdoption, PackVersion

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("lifecycle", "0004_task_and_recheck_version"), ("tenancy", "0002_english_msgids")]


@pytest.fixture
def old_schema() -> Iterator[Any]:
    """The database as the release before: lifecycle kept the versions. Migrated to the newest afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps
    finally:
        migrate_to_newest()


def migrate_to_newest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_adopted_versions_move_with_their_ids_and_become_the_adoption_log(old_schema: Any) -> None:
    OldMunicipality = old_schema.get_model("tenancy", "Municipality")
    OldVersion = old_schema.get_model("lifecycle", "PackVersion")
    osaka = OldMunicipality.objects.create(slug="osaka", name="大阪市", pack_id="osaka")
    day = timezone.now() - datetime.timedelta(days=30)
    rows = [
        OldVersion.objects.create(
            id=ident,
            municipality=osaka,
            pack_id=pack,
            version=version,
            digest=digest,
            text=text,
            adopted_at=at,
        )
        for ident, pack, version, digest, text, at in [
            (7, "osaka", "1.0.0", "a" * 16, "id: osaka # 1.0.0", day),
            (9, "special-terms", "1.0.0", "b" * 16, "id: special-terms", day),
            (12, "osaka", "1.1.0", "c" * 16, "id: osaka # 1.1.0", day + datetime.timedelta(days=1)),
        ]
    ]

    migrate_to_newest()

    moved = PackVersion.objects.order_by("id")
    assert [(v.id, v.pack_id, v.version, v.digest, v.text) for v in moved] == [
        (r.id, r.pack_id, r.version, r.digest, r.text) for r in rows
    ]
    log = PackAdoption.objects.order_by("id")
    assert [(a.pack_id, a.version_id, a.previous_id) for a in log] == [
        ("osaka", 7, None),
        ("special-terms", 9, None),
        ("osaka", 12, 7),
    ]
    municipality = Municipality.objects.get(slug="osaka")
    assert municipality.adopted_version("osaka") == PackVersion.objects.get(pk=12)
    # The id sequence continues after the moved rows.
    added = PackVersion.objects.create(
        municipality=municipality, pack_id="osaka", version="1.2.0", digest="d" * 16, text="id: osaka"
    )
    assert added.pk > 12
    Municipality.objects.all().delete()
