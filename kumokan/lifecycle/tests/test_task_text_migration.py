"""Migration lifecycle 0014 gives the tasks opened before it the pack's English of their item, from the
stored judgments: an item of the same pack and id with exactly the task's Japanese text; a task whose
text no judgment has (edited since) keeps no English and reads in Japanese."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("lifecycle", "0013_task_phase_labels_from_core")]


def migrate_to(targets: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def test_the_tasks_opened_before_get_their_items_english() -> None:
    e = entry(city("kobe"))
    glosses = dict(ChecklistTask.objects.filter(entry=e).values_list("pk", "text_en"))
    assert any(glosses.values())
    changed = next(pk for pk, gloss in glosses.items() if gloss)
    migrate_to(BEFORE)
    try:
        Task = (
            MigrationExecutor(connection)
            .loader.project_state(BEFORE)
            .apps.get_model("lifecycle", "ChecklistTask")
        )
        Task.objects.filter(pk=changed).update(text="どの判定にもない文")
    finally:
        migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())

    after = dict(ChecklistTask.objects.filter(entry=e).values_list("pk", "text_en"))
    assert after == {**glosses, changed: ""}
