"""Migration applications 0009 turns the note an import wrote on an application and its decision (in the
importer's language, before 0008) into its msgid with the file's name and row, read in each reader's
language; a note a person typed stays as typed. Backwards, the Japanese text again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kumokan.applications.choices import Outcome
from kumokan.applications.models import Application, Decision
from kumokan.applications.tests import factories as f
from kumokan.errors import rendered

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("applications", "0007_judgment_documents")]
JA = "台帳ファイル「市の台帳（2024）.xlsx」の12行目から取り込みました。"
EN = "Imported from the ledger file 市の台帳（2024）.xlsx, row 12."
NOTES = {
    "ja": JA,
    "en": EN,
    "typed": "年度途中の追加申請",
    "typed with the words": f"再申請。{JA}",
    "empty": "",
}


def migrate_to(targets: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def old_model(name: str):  # type: ignore[no-untyped-def]
    return MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("applications", name)


@pytest.fixture
def old_schema() -> Iterator[dict[str, int]]:
    """Approved applications whose notes and decisions' reasons are as written before 0008 (ids by kind)."""
    c = f.city("kobe")
    applications = [f.decided(c, Outcome.APPROVED, service_name=f"サービス{n}") for n in range(len(NOTES))]
    migrate_to(BEFORE)
    try:
        ids = {}
        for (kind, note), application in zip(NOTES.items(), applications, strict=True):
            old_model("Application").objects.filter(pk=application.pk).update(notes=note)
            old_model("Decision").objects.filter(application_id=application.pk).update(reason=note)
            ids[kind] = application.pk
        yield ids
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def read(pk: int) -> list[tuple[str, str, str]]:
    application = Application.objects.get(pk=pk)
    decision = Decision.objects.get(application=application)
    return [
        (typed, rendered(text, "ja"), rendered(text, "en"))
        for typed, text in (
            (application.notes, application.notes_text),
            (decision.reason, decision.reason_text),
        )
    ]


def test_the_imported_note_becomes_a_msgid_typed_notes_stay_and_back(old_schema: dict[str, int]) -> None:
    ids = old_schema

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())

    for kind in ("ja", "en"):
        assert read(ids[kind]) == [("", JA, EN)] * 2
        assert Application.objects.get(pk=ids[kind]).system_note == {
            "msgid": "Imported from the ledger file %(name)s, row %(row)d.",
            "params": {"name": "市の台帳（2024）.xlsx", "row": 12},
        }
    for kind in ("typed", "typed with the words", "empty"):
        assert read(ids[kind]) == [(NOTES[kind],) * 3] * 2
        assert Application.objects.get(pk=ids[kind]).system_note == {}

    # Backwards, the Japanese text (the English one as well: it was the importer's language only).
    migrate_to(BEFORE)

    notes = dict(old_model("Application").objects.filter(pk__in=ids.values()).values_list("pk", "notes"))
    reasons = dict(
        old_model("Decision")
        .objects.filter(application_id__in=ids.values())
        .values_list("application_id", "reason")
    )
    expected = {**NOTES, "en": JA}
    assert {kind: notes[pk] for kind, pk in ids.items()} == expected
    assert {kind: reasons[pk] for kind, pk in ids.items()} == expected
