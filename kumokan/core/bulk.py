"""Inserting many new rows of one model at once: what `QuerySet.bulk_create` writes, prepared faster.

Django's bulk_create compiles every value of every row through the generic SQL compiler (~20 calls a
value); an import of 10,000 ledger rows writes some 300,000 values that way, and that compiling was
most of its time (bench/ledger_import.py, BENCHMARKS.md). Here each column's preparation is looked up
once and each row costs one call per value; the rows go in multi-row INSERTs that return their ids
(PostgreSQL, and SQLite from 3.35), so instances saved here can be referred to by the next batch, as
with bulk_create. As with bulk_create: no save(), no signals, the database's constraints and triggers
apply.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


def insert_new(objs: Sequence[Model]) -> None:
    """Insert unsaved instances of one model, in order, and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(objs)
        return
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    # A foreign key assigned an instance that was saved after it (by the previous batch) takes its id now.
    relations = [f for f in fields if f.is_relation]
    quote = connection.ops.quote_name
    returning, _params = connection.ops.return_insert_columns([pk])
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 (names from the model's metadata)
        quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    row_marks = "({})".format(", ".join(["%s"] * len(fields)))
    batch_size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = []
            for obj in batch:
                for field in relations:
                    if getattr(obj, field.attname) is None and field.is_cached(obj):
                        related = field.get_cached_value(obj)
                        if related is not None:
                            setattr(obj, field.attname, related.pk)
                params.extend(
                    field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields
                )
            cursor.execute(f"{head}{', '.join([row_marks] * len(batch))} {returning}", params)
            for obj, (value,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
                obj._state.adding = False
                obj._state.db = connection.alias
