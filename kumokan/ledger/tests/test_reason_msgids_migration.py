"""Migration ledger 0013 turns the reasons the system wrote in the history before (a step's label, a
corrective action that cannot be corrected), in Japanese or in English, into msgids read in each reader's
language; a reason a person typed stays as typed. Backwards, each becomes its Japanese text again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kumokan.applications.tests import factories as f
from kumokan.errors import rendered
from kumokan.ledger.models import LedgerChange, LedgerEntry

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("ledger", "0011_own_entries_indexes")]
TYPED = [
    "業務の見直し",
    "運用開始前の確認が済んだため。",  # contains a step's label, is not one
    "Cannot be corrected: ",  # the prefix with nothing typed after it
    "廃止 ",  # not the label exactly
]


@pytest.fixture
def old_schema() -> Iterator[Any]:
    """An approved entry, then the database as the release before 0012 had it (one text per reason); the
    newest afterwards."""
    entry = f.entry(f.city("kobe"))
    migrate_to(BEFORE)
    try:
        yield MigrationExecutor(connection).loader.project_state(BEFORE).apps, entry
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def migrate_to(targets: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def old_rows(old: tuple[Any, LedgerEntry]) -> dict[str, int]:
    """A change of the entry per reason, as the old code wrote them; their ids by reason."""
    apps, entry = old
    Change = apps.get_model("ledger", "LedgerChange")
    reasons = [
        "運用開始",
        "Start operation",
        "利用停止",
        "Resume use",
        "廃止",
        "是正できないため利用停止: 提供者が多要素認証に対応していない。",
        "Cannot be corrected: the provider has no MFA\nyet",
        *TYPED,
    ]
    return {
        reason: Change.objects.create(
            entry_id=entry.pk,
            entry_version=version,
            changed_by_id=entry.service_manager_id,
            changed_by_name="山田 花子",
            before={"status": "approved"},
            after={"status": "in_operation"},
            reason=reason,
        ).pk
        for version, reason in enumerate(reasons, start=2)
    }


def read(pk: int) -> tuple[str, str]:
    text = LedgerChange.objects.get(pk=pk).reason_text
    return rendered(text, "ja"), rendered(text, "en")


def test_generated_reasons_become_msgids_typed_ones_stay_and_back(
    old_schema: tuple[Any, LedgerEntry],
) -> None:
    ids = old_rows(old_schema)

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert read(ids["運用開始"]) == read(ids["Start operation"]) == ("運用開始", "Start operation")
    assert read(ids["利用停止"]) == ("利用停止", "Suspend use")
    assert read(ids["Resume use"]) == ("利用再開", "Resume use")
    assert read(ids["廃止"]) == ("廃止", "Retire")
    assert read(ids["是正できないため利用停止: 提供者が多要素認証に対応していない。"]) == (
        "是正できないため利用停止: 提供者が多要素認証に対応していない。",
        "Cannot be corrected: 提供者が多要素認証に対応していない。",
    )
    assert read(ids["Cannot be corrected: the provider has no MFA\nyet"]) == (
        "是正できないため利用停止: the provider has no MFA\nyet",
        "Cannot be corrected: the provider has no MFA\nyet",
    )
    uncorrectable = LedgerChange.objects.get(
        pk=ids["是正できないため利用停止: 提供者が多要素認証に対応していない。"]
    )
    assert (uncorrectable.reason, uncorrectable.reason_msgid, uncorrectable.reason_params) == (
        "",
        "Cannot be corrected: %(result)s",
        {"result": "提供者が多要素認証に対応していない。"},
    )
    for typed in TYPED:
        change = LedgerChange.objects.get(pk=ids[typed])
        assert (change.reason, change.reason_msgid) == (typed, "")
        assert read(ids[typed]) == (typed, typed)

    # Backwards, each is its Japanese text again.
    migrate_to(BEFORE)

    Change = (
        MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("ledger", "LedgerChange")
    )
    reasons = dict(Change.objects.values_list("pk", "reason"))
    assert reasons[ids["Start operation"]] == "運用開始"
    assert reasons[ids["Cannot be corrected: the provider has no MFA\nyet"]] == (
        "是正できないため利用停止: the provider has no MFA\nyet"
    )
    assert all(reasons[ids[typed]] == typed for typed in TYPED)
