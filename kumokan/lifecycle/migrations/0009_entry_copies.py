"""Checklist tasks and re-checks keep copies of their entry's municipality and status (CopiesOfEntry), so
that the dashboard's overdue and coming-due counts read one partial index each instead of joining every
open item to its entry (BENCHMARKS.md, issue 18 point 4).

The columns are added empty, filled from the entries by one UPDATE per table, then made required; the
tasks' open-due index is rebuilt on the copies and the re-checks get one; ANALYZE last (SQLite copies both
tables into new ones to change a column, which drops their statistics: see 0008).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    LedgerEntry = apps.get_model("ledger", "LedgerEntry")
    for name in ("ChecklistTask", "Recheck"):
        model = apps.get_model("lifecycle", name)
        entry = LedgerEntry.objects.filter(pk=OuterRef("entry_id"))
        model.objects.update(
            municipality_id=Subquery(entry.values("municipality_id")[:1]),
            entry_status=Subquery(entry.values("status")[:1]),
        )


STATUS_CHOICES = [
    ("approved", "Approved (not yet in operation)"),
    ("in_operation", "In operation"),
    ("suspended", "Suspended"),
    ("retired", "Retired"),
]


def copies(model_name):
    return [
        migrations.AddField(
            model_name=model_name,
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name=model_name,
            name="entry_status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="", max_length=20, verbose_name="status of the service"
            ),
            preserve_default=False,
        ),
    ]


def required(model_name):
    return migrations.AlterField(
        model_name=model_name,
        name="municipality",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to="tenancy.municipality",
            verbose_name="municipality",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0011_own_entries_indexes"),
        ("lifecycle", "0008_analyze_rebuilt_tables"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        *copies("checklisttask"),
        *copies("recheck"),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        required("checklisttask"),
        required("recheck"),
        migrations.RemoveIndex(model_name="checklisttask", name="lifecycle_task_open_due_idx"),
        migrations.AddIndex(
            model_name="checklisttask",
            index=models.Index(
                condition=models.Q(
                    ("due_date__isnull", False),
                    ("entry_status__in", ("approved", "in_operation", "suspended")),
                    ("status", "open"),
                ),
                fields=["municipality", "due_date"],
                name="lifecycle_task_open_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="recheck",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["municipality", "due_date"],
                name="lifecycle_recheck_open_due_idx",
            ),
        ),
        migrations.RunSQL(
            "ANALYZE lifecycle_checklisttask", reverse_sql=migrations.RunSQL.noop, elidable=True
        ),
        migrations.RunSQL("ANALYZE lifecycle_recheck", reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
