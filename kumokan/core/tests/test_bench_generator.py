"""bench/generate.py expands rows in the database (INSERT … SELECT); a NOT NULL column added to a model
since must not break it: the column left out gets its field's default (issue 18: at a million entries the
generator stopped on the checklist tasks' new `system_note`, a JSON column)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from kumokan.lifecycle.models import ChecklistTask
from kumokan.lifecycle.tests.factories import city, entry

pytestmark = pytest.mark.django_db


def generator_module() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_expanded_by_the_database_get_the_defaults_of_the_columns_left_out() -> None:
    c = city("kobe")
    source, target = entry(c), entry(c)
    tasks = ChecklistTask.objects.filter(entry=source)
    assert tasks.exists()
    ChecklistTask.objects.filter(entry=target).delete()

    # The columns the generator names: not system_note (added since), nor confirmed_at (nullable).
    written = (
        generator_module()
        .Writer()
        .insert_select(
            ChecklistTask,
            """entry_id, pack_id, item_id, phase, position, "group", text, source, required_before_operation,
           status, note, evidence, evidence_name, version, updated_at, municipality_id, entry_status""",
            """%s, pack_id, item_id, phase, position, "group", text, source, required_before_operation,
           status, note, evidence, evidence_name, version, updated_at, municipality_id, entry_status""",
            f"FROM lifecycle_checklisttask WHERE entry_id = {source.pk}",
            [target.pk],
        )
    )

    assert written == tasks.count()
    copied = ChecklistTask.objects.filter(entry=target)
    assert sorted(copied.values_list("item_id", flat=True)) == sorted(tasks.values_list("item_id", flat=True))
    assert [task.system_note for task in copied] == [{}] * written
