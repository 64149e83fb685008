"""The tasks' due index of 0009 had the entry's status in its condition, which SQLite cannot match against
a query's bound values (`entry_status IN (?, ?, ?)`): the dashboard's task counts walked another index
(20–30 ms at 100,000 entries). The status, the date and the entry's status are now columns of the index,
whose condition is only `due_date IS NOT NULL`: the count is a covering range (1 ms) and the earliest 15 are
read in the index's order (the entry's status after the date, so no sort; BENCHMARKS.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0011_retired_task_note_as_msgid"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="checklisttask", name="lifecycle_task_open_due_idx"),
        migrations.AddIndex(
            model_name="checklisttask",
            index=models.Index(
                condition=models.Q(("due_date__isnull", False)),
                fields=["municipality", "status", "due_date", "entry_status"],
                name="lifecycle_task_open_due_idx",
            ),
        ),
        migrations.RunSQL(
            "ANALYZE lifecycle_checklisttask", reverse_sql=migrations.RunSQL.noop, elidable=True
        ),
    ]
