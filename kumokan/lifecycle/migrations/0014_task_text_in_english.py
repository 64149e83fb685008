"""A checklist task keeps the pack's English gloss of its text (ChecklistTask.text_en), copied from the
judgment item its text was copied from. The tasks opened before get it from the stored judgments: an
item of the same pack and id whose Japanese text is exactly the task's gives its English (a task whose
text no stored judgment has keeps "" and reads in Japanese)."""

from django.db import migrations, models


def _items(judgment):
    for items in (judgment or {}).get("checklists", {}).values():
        yield from items


def glosses(apps, schema_editor):
    ChecklistTask = apps.get_model("lifecycle", "ChecklistTask")
    JudgmentDocument = apps.get_model("applications", "JudgmentDocument")
    JudgmentSnapshot = apps.get_model("applications", "JudgmentSnapshot")
    if not ChecklistTask.objects.exists():
        return
    english: dict[tuple[str, str, str], str] = {}
    judgments = [
        JudgmentDocument.objects.values_list("judgment", flat=True),
        JudgmentSnapshot.objects.filter(document__isnull=True).values_list("inline_judgment", flat=True),
    ]
    for rows in judgments:
        for judgment in rows.iterator(chunk_size=200):
            for item in _items(judgment):
                if item.get("text_en"):
                    english.setdefault((item["pack"], item["id"], item["text"]), item["text_en"])
    for (pack_id, item_id, text), text_en in english.items():
        ChecklistTask.objects.filter(pack_id=pack_id, item_id=item_id, text=text, text_en="").update(
            text_en=text_en
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0013_task_phase_labels_from_core"),
        ("applications", "0009_imported_note_as_msgid"),
    ]

    operations = [
        migrations.AddField(
            model_name="checklisttask",
            name="text_en",
            field=models.TextField(blank=True, default="", verbose_name="text in English"),
        ),
        migrations.RunPython(glosses, migrations.RunPython.noop),
    ]
