"""The note the system appended to a checklist task closed when its service was retired (before 0010, in
Japanese, after the note a person typed) becomes a msgid read in each reader's language
(ChecklistTask.system_note); the note a person typed stays as typed. Backwards, the Japanese text is
appended to the typed note again, as the release before wrote it.
"""

from django.db import migrations

# kumokan.lifecycle.gates.close_open_tasks wrote this, on a line of its own after any typed note.
RETIRED_JA = "利用終了（廃止）により、実施しないまま終了した。"
RETIRED = "Closed without being carried out: the service was retired."


def to_msgid(apps, schema_editor):
    ChecklistTask = apps.get_model("lifecycle", "ChecklistTask")
    rows = ChecklistTask.objects.filter(note__endswith=RETIRED_JA)
    for task in rows.only("pk", "note").iterator():
        typed = task.note[: -len(RETIRED_JA)]
        if typed and not typed.endswith("\n"):
            continue  # the words ended a typed line: a person wrote them
        ChecklistTask.objects.filter(pk=task.pk).update(note=typed[:-1], system_note={"msgid": RETIRED})


def to_japanese(apps, schema_editor):
    """Back to one note, the Japanese after the typed note (any system note written since, too)."""
    from kumokan.errors import rendered, restored

    ChecklistTask = apps.get_model("lifecycle", "ChecklistTask")
    for task in ChecklistTask.objects.exclude(system_note={}).only("pk", "note", "system_note").iterator():
        given = rendered(restored(task.system_note), "ja")
        note = "\n".join(part for part in (task.note, given) if part)
        ChecklistTask.objects.filter(pk=task.pk).update(note=note, system_note={})


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0010_task_system_note"),
    ]

    operations = [
        migrations.RunPython(to_msgid, to_japanese),
    ]
