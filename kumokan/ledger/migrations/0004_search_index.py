"""Indexes for the ledger list's search of any length (kumokan/ledger/search.py), filled from the entries
already there.

SQLite: a contentless FTS5 trigram index with its term list, kept current by triggers on the entries, so
that every writer (actions, bulk inserts, raw SQL) keeps it so. Django rebuilds a SQLite table to alter
its columns, which drops these triggers: after every `migrate`, kumokan.ledger.search.repair_sqlite_index
creates missing triggers again and refills the index (ledger/tests/test_ledger_search.py checks it).

PostgreSQL: a GIN index of each entry's character pairs, for two-character terms that pg_trgm cannot
serve (migration 0003 serves three or more).
"""

from django.db import migrations

# The document an entry is indexed as: each searched column followed by two separators (search.py).
DOCUMENT = " || ".join(
    f"{{row}}.{column} || char(31, 31)"
    for column in ("service_name", "function_name", "provider_name", "purpose")
)
SQLITE = [
    "CREATE VIRTUAL TABLE ledger_entry_search USING fts5("
    "document, content='', tokenize='trigram case_sensitive 0')",
    "CREATE VIRTUAL TABLE ledger_entry_search_terms USING fts5vocab(ledger_entry_search, 'row')",
    "CREATE TRIGGER ledger_entry_search_insert AFTER INSERT ON ledger_ledgerentry BEGIN "
    f"INSERT INTO ledger_entry_search (rowid, document) VALUES (new.id, {DOCUMENT.format(row='new')}); "
    "END",
    # A contentless index forgets an entry when told the exact text it indexed.
    "CREATE TRIGGER ledger_entry_search_delete AFTER DELETE ON ledger_ledgerentry BEGIN "
    "INSERT INTO ledger_entry_search (ledger_entry_search, rowid, document) "
    f"VALUES ('delete', old.id, {DOCUMENT.format(row='old')}); "
    "END",
    "CREATE TRIGGER ledger_entry_search_update "
    "AFTER UPDATE OF id, service_name, function_name, provider_name, purpose ON ledger_ledgerentry BEGIN "
    "INSERT INTO ledger_entry_search (ledger_entry_search, rowid, document) "
    f"VALUES ('delete', old.id, {DOCUMENT.format(row='old')}); "
    f"INSERT INTO ledger_entry_search (rowid, document) VALUES (new.id, {DOCUMENT.format(row='new')}); "
    "END",
    "INSERT INTO ledger_entry_search (rowid, document) "
    f"SELECT id, {DOCUMENT.format(row='ledger_ledgerentry')} FROM ledger_ledgerentry",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_search_insert",
    "DROP TRIGGER IF EXISTS ledger_entry_search_delete",
    "DROP TRIGGER IF EXISTS ledger_entry_search_update",
    "DROP TABLE IF EXISTS ledger_entry_search_terms",
    "DROP TABLE IF EXISTS ledger_entry_search",
]
POSTGRESQL = [
    # Every distinct pair of neighbouring characters. IMMUTABLE, so an index may hold its result.
    "CREATE FUNCTION ledger_bigrams(text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    "$$ SELECT coalesce(array_agg(DISTINCT substr($1, i, 2)), '{}') "
    "FROM generate_series(1, char_length($1) - 1) AS i $$",
    # The same expression as search.py's, so that the planner matches it to the index.
    "CREATE INDEX ledger_entry_search_bigrams ON ledger_ledgerentry USING gin (ledger_bigrams("
    + " || E'\\x1f' || ".join(
        f"UPPER({column}::text)" for column in ("service_name", "function_name", "provider_name", "purpose")
    )
    + "))",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS ledger_entry_search_bigrams",
    "DROP FUNCTION IF EXISTS ledger_bigrams(text)",
]


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_trigram_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
