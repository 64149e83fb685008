"""Migration lifecycle 0011 moves the note the system appended to a task closed by retirement (in Japanese,
after any typed note) into ChecklistTask.system_note as its msgid, read in each reader's language; a note a
person typed stays as typed. Backwards, the Japanese is appended to the typed note again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kumokan.errors import rendered
from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, in_operation

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("lifecycle", "0009_entry_copies")]
JA = "利用終了（廃止）により、実施しないまま終了した。"
EN = "Closed without being carried out: the service was retired."
NOTES = {
    "closed": JA,
    "typed and closed": f"提供者に確認中\n{JA}",
    "typed only": "確認した",
    "typed, ending with the words": f"メモ：{JA}",  # on a typed line: a person wrote it
    "empty": "",
}


@pytest.fixture
def old_schema() -> Iterator[dict[str, int]]:
    """Tasks whose notes are as the release before 0010 wrote them (their ids by kind); the newest schema
    afterwards."""
    tasks = list(ChecklistTask.objects.filter(entry=in_operation(city("kobe"))).order_by("pk"))
    migrate_to(BEFORE)
    try:
        Task = (
            MigrationExecutor(connection)
            .loader.project_state(BEFORE)
            .apps.get_model("lifecycle", "ChecklistTask")
        )
        ids = {}
        for (kind, note), task in zip(NOTES.items(), tasks, strict=False):
            Task.objects.filter(pk=task.pk).update(note=note)
            ids[kind] = task.pk
        yield ids
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def migrate_to(targets: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def read(pk: int) -> tuple[str, str, str]:
    task = ChecklistTask.objects.get(pk=pk)
    return task.note, rendered(task.note_text, "ja"), rendered(task.note_text, "en")


def test_the_retired_note_becomes_a_msgid_typed_notes_stay_and_back(old_schema: dict[str, int]) -> None:
    ids = old_schema

    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert read(ids["closed"]) == ("", JA, EN)
    assert read(ids["typed and closed"]) == (
        "提供者に確認中",
        f"提供者に確認中\n{JA}",
        f"提供者に確認中\n{EN}",
    )
    for kind in ("typed only", "typed, ending with the words", "empty"):
        assert read(ids[kind]) == (NOTES[kind],) * 3
        assert ChecklistTask.objects.get(pk=ids[kind]).system_note == {}
    assert ChecklistTask.objects.get(pk=ids["closed"]).system_note == {"msgid": EN}

    # Backwards, the Japanese follows the typed note again.
    migrate_to(BEFORE)

    Task = (
        MigrationExecutor(connection)
        .loader.project_state(BEFORE)
        .apps.get_model("lifecycle", "ChecklistTask")
    )
    notes = dict(Task.objects.filter(pk__in=ids.values()).values_list("pk", "note"))
    assert {kind: notes[pk] for kind, pk in ids.items()} == NOTES
