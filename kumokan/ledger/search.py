"""The ledger list's search box: entries whose service, function, provider or purpose contain the words.

A case-insensitive substring of any of the four columns, as `icontains` has it, but answered by an index
on both databases, for Japanese terms of any length (会議, 電子申請), not by reading every entry.

- SQLite: an FTS5 trigram index (`ledger_entry_search`, migration 0004) that triggers keep current on every
  insert, update and delete, whoever writes (the actions, the import's bulk inserts, the generator's
  executemany). Three characters or more are a phrase of trigrams. One or two characters are looked up in
  the index's own term list (`ledger_entry_search_terms`): the trigrams that begin with them, OR-ed. Each
  column is indexed with two separators after it, so a term at a column's end still begins a trigram.
- PostgreSQL: three characters or more are Django's `icontains`, which the pg_trgm indexes of migration
  0003 serve (the database's LC_CTYPE must know Japanese letters: README, Deployment). Two characters
  have no trigram; a GIN index of each entry's character pairs (`ledger_bigrams`, migration 0004) answers
  them. One character scans (BENCHMARKS.md, "Ledger list").
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from kumokan.ledger.models import LedgerEntry

# Written after each searched column in both indexes; no trigram or pair of a search term can hold it,
# so no match runs from one column into the next.
SEPARATOR = "\x1f"
SEARCHED = ("service_name", "function_name", "provider_name", "purpose")
# The highest code point: every term that begins with a prefix sorts below prefix + this.
_LAST = "\U0010ffff"
# Up to this many entries found are fetched by id and sorted (SQLite; see _indexed).
FEW = 1000
# The expression of migration 0004's GIN index, so that the planner answers this from it.
_PAIRS_CONTAIN = (
    "ledger_bigrams("
    + " || E'\\x1f' || ".join(f'UPPER("ledger_ledgerentry"."{column}"::text)' for column in SEARCHED)
    + ") @> ARRAY[UPPER(%s)]"
)


def matching(entries: QuerySet[LedgerEntry], text: str, *, counting: bool = False) -> QuerySet[LedgerEntry]:
    """`entries` whose searched columns contain `text`, ignoring case; `counting`: to be counted, not
    paged (SQLite answers the two best in different plans)."""
    connection = connections[entries.db]
    if SEPARATOR in text:
        return _scanned(entries, text)
    if connection.vendor == "sqlite":
        return _indexed(entries, connection, text, counting)
    if connection.vendor == "postgresql" and len(text) == 2:
        # A constant statement; the term is its parameter.
        return entries.filter(RawSQL(_PAIRS_CONTAIN, [text], output_field=BooleanField()))  # noqa: S611
    return _scanned(entries, text)


def _indexed(
    entries: QuerySet[LedgerEntry], connection: Any, text: str, counting: bool
) -> QuerySet[LedgerEntry]:
    """SQLite: the entries the FTS index finds, in the plan that suits how many it finds.

    SQLite cannot know how many rows a MATCH returns, so one question to the index decides. A few (at
    most FEW) are looked up by id, to count and to sort. More are looked up by id to be counted, but a
    page checks the list's own index, walked in order, against them (the `+` keeps SQLite from fetching
    and sorting them all) and stops after a page of matches (BENCHMARKS.md, "Ledger list").
    """
    sql, params = _fts_rowids(text)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {FEW + 1}", params)
        found = [row[0] for row in cursor.fetchall()]
    if len(found) <= FEW:
        return entries.filter(pk__in=found)
    # Constant statements; the term is their parameter.
    if counting:
        return entries.filter(pk__in=RawSQL(sql, params))  # noqa: S611
    walked = RawSQL(f'+"ledger_ledgerentry"."id" IN ({sql})', params, output_field=BooleanField())  # noqa: S611
    return entries.filter(walked)


def _fts_rowids(text: str) -> tuple[str, list[str]]:
    if len(text) >= 3:
        # A phrase: the term's trigrams one after another, that is, the term as a substring.
        return (
            "SELECT rowid FROM ledger_entry_search WHERE ledger_entry_search MATCH %s",
            ['"' + text.replace('"', '""') + '"'],
        )
    # One or two characters: every trigram that begins with them, from the index's term list, which
    # holds them folded as the index folds them.
    prefix = text.lower()
    return (
        "SELECT rowid FROM ledger_entry_search WHERE ledger_entry_search MATCH coalesce(("
        "SELECT group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR ') "
        "FROM ledger_entry_search_terms WHERE term >= %s AND term < %s), '\"\"')",
        [prefix, prefix + _LAST],
    )


def _scanned(entries: QuerySet[LedgerEntry], text: str) -> QuerySet[LedgerEntry]:
    condition = Q()
    for column in SEARCHED:
        condition |= Q(**{f"{column}__icontains": text})
    return entries.filter(condition)


TRIGGERS = ("ledger_entry_search_insert", "ledger_entry_search_delete", "ledger_entry_search_update")


def repair_sqlite_index(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> bool:
    """After `migrate` (post_migrate): put back the full-text triggers a table rebuild dropped, and refill.

    Django alters a SQLite table by copying it into a new one, which loses its triggers; the index would
    then silently miss every later write. True when something had to be repaired.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
    if "ledger_entry_search" not in names or all(trigger in names for trigger in TRIGGERS):
        return False  # not migrated this far yet, or intact
    migration = importlib.import_module("kumokan.ledger.migrations.0004_search_index")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for trigger in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute("INSERT INTO ledger_entry_search (ledger_entry_search) VALUES ('delete-all')")
        # The migration's statements after the two tables: the three triggers, then the refill.
        for statement in migration.SQLITE[2:]:
            cursor.execute(statement)
    return True
