"""PostgreSQL only: trigram indexes for the ledger list's search (icontains on four columns).

Django's icontains is `UPPER(column::text) LIKE UPPER(%s)`; a GIN index on that expression with
pg_trgm's operator class answers it for search terms of three characters or more. pg_trgm sees Japanese
characters as letters only when the database's LC_CTYPE classifies them (C.UTF-8 or ja_JP.UTF-8, not C):
README, Deployment. SQLite has no such index and keeps scanning.
"""

from django.db import migrations

COLUMNS = ("service_name", "function_name", "provider_name", "purpose")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ledger_entry_{column}_trgm ON ledger_ledgerentry "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS ledger_entry_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_list_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
