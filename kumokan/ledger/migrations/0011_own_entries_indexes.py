"""Indexes for the entries a person manages or applied for beyond their roles' reach
(kumokan.ledger.access.own_beyond_reach): the reach is checked in the index (BENCHMARKS.md, issue 18).

Analysed again afterwards, as in 0005: SQLite's planner knows nothing of a new index until then.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_entry_note"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["service_manager", "municipality", "department", "status", "id"], name="ledger_entry_own_manager_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="ledgerentry",
            index=models.Index(
                fields=["applicant", "municipality", "department", "id"], name="ledger_entry_own_applicant_idx"
            ),
        ),
        migrations.RunSQL("ANALYZE ledger_ledgerentry", reverse_sql=migrations.RunSQL.noop, elidable=True),
    ]
