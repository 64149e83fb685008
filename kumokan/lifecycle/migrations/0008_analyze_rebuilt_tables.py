"""Statistics again for the tables 0007 rebuilt.

On SQLite, 0007 (a column added to tasks and re-checks) copied both tables into new ones, which drops
their ANALYZE statistics: the planner then ignores `lifecycle_task_open_due_idx` and the dashboard's due
counts read every task (the chief's dashboard at 100,000 entries: 872 ms CPU instead of 87 ms,
BENCHMARKS.md, issue 18). ANALYZE is the same statement on PostgreSQL, where it samples.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0007_task_and_recheck_updated_at"),
    ]

    operations = [
        migrations.RunSQL(
            "ANALYZE lifecycle_checklisttask", reverse_sql=migrations.RunSQL.noop, elidable=True
        ),
        migrations.RunSQL("ANALYZE lifecycle_recheck", reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
