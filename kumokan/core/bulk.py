"""Inserting many new rows of one model at once: what `QuerySet.bulk_create` writes, prepared faster.

Django's bulk_create compiles every value of every row through the generic SQL compiler (~20 calls a
value); an import of 10,000 ledger rows writes some 300,000 values that way, and that compiling was
most of its time (bench/ledger_import.py, BENCHMARKS.md). Here each column's preparation is looked up
once: a text, integer or boolean value of Django's own column types is sent as it is (all that its
preparation would do), any other value is prepared by its field. The rows go in multi-row INSERTs that return their ids
(PostgreSQL, and SQLite from 3.35), so instances saved here can be referred to by the next batch, as
with bulk_create. As with bulk_create: no save(), no signals, the database's constraints and triggers
apply.

On PostgreSQL the rows go by COPY instead (`insert_rows`): Django's psycopg 3 cursor binds on the client,
so a multi-row INSERT was a statement of some 65,000 quoted literals that psycopg wrote and the server
parsed again; COPY sends each value once in its text form, and the server does no parsing or planning per
row. COPY returns no ids, so the new rows' ids are taken from the table's sequence first, in one query
(concurrent writers take theirs from the same sequence, as with INSERT), and given in ascending order.
"""

from __future__ import annotations

import datetime
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from psycopg.types.json import Json, Jsonb

# Django's own column types whose preparation of a value of the right Python type (str, int, bool) is
# that value itself; exact classes only, since a subclass may prepare its values otherwise.
_TEXT = {models.CharField, models.TextField, models.SlugField, models.EmailField, models.URLField}
# An id column (and a foreign key to one) only checks that its value is an integer.
_AUTO = {models.AutoField, models.BigAutoField, models.SmallAutoField}
_INTEGER = {
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
}

_WHEN = {datetime.datetime, datetime.date}


def _sent_as_is(field: Any, connection: BaseDatabaseWrapper) -> type | None:
    """The Python type whose values `field` sends to the database unchanged, if any."""
    column = field.target_field if field.is_relation else field
    kind = type(column)
    if kind in _TEXT:
        return str
    if kind in _AUTO:
        return int
    # psycopg 3 wraps integers in its own types for a statement's parameters (SQLite and psycopg 2 take
    # them as they are); COPY gives every value as text for its column's own type, so as they are too.
    if kind in _INTEGER and (
        connection.vendor == "postgresql"
        or type(connection.ops.adapt_integerfield_value(2**40, column.get_internal_type())) is int
    ):
        return int
    if kind is models.BooleanField:
        return bool
    return None


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
    copy = connection.vendor == "postgresql"
    if copy and pk.db_returning:
        # The ids first (ascending, so in the given order), then the rows with them.
        for obj, value in zip(objs, _new_ids(connection, meta.db_table, pk.column, len(objs)), strict=True):
            setattr(obj, pk.attname, value)
    fields = [f for f in meta.concrete_fields if copy or not (f.primary_key and f.db_returning)]
    rows = _prepared_rows(objs, fields, connection)
    if copy:
        insert_rows(model, fields, rows)
    else:
        _insert_returning(objs, fields, rows, connection)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _prepared_rows(
    objs: Sequence[Model], fields: list[Any], connection: BaseDatabaseWrapper
) -> Iterator[list[Any]]:
    """Each instance's column values as the database takes them, in the order of `fields`."""
    # A foreign key assigned an instance that was saved after it (by the previous batch) takes its id now.
    relations = [f for f in fields if f.is_relation]
    columns = [(field, field.attname, _sent_as_is(field, connection)) for field in fields]
    # A time or date prepared once per column and value: the rows of one batch often share them
    # (an audit batch's time, an import's date of approval).
    prepared: dict[tuple[str, Any], Any] = {}
    for obj in objs:
        for field in relations:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    setattr(obj, field.attname, related.pk)
        row = []
        for field, attname, as_is in columns:
            if as_is is None:
                value = field.pre_save(obj, True)
                if type(value) in _WHEN:
                    key = (attname, value)
                    if key not in prepared:
                        prepared[key] = field.get_db_prep_save(value, connection)
                    row.append(prepared[key])
                else:
                    row.append(field.get_db_prep_save(value, connection))
                continue
            value = getattr(obj, attname)
            row.append(
                value if value is None or type(value) is as_is else field.get_db_prep_save(value, connection)
            )
        yield row


def _insert_returning(
    objs: Sequence[Model], fields: list[Any], rows: Iterator[list[Any]], connection: BaseDatabaseWrapper
) -> None:
    """Multi-row INSERTs that return the new ids (SQLite from 3.35)."""
    meta = type(objs[0])._meta
    pk = meta.pk
    assert pk is not None
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
            params: list[Any] = []
            for row in islice(rows, len(batch)):
                params.extend(row)
            cursor.execute(f"{head}{', '.join([row_marks] * len(batch))} {returning}", params)
            for obj, (value,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)


def _new_ids(connection: BaseDatabaseWrapper, table: str, column: str, count: int) -> list[int]:
    """`count` new values of a PostgreSQL identity (or serial) column's sequence, ascending."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(q.sequence) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS sequence) q, "
            "generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return sorted(value for (value,) in cursor.fetchall())


def insert_rows(
    model: type[Model], fields: Sequence[Any], rows: Iterable[Sequence[Any]], *, batch: int = 2000
) -> int:
    """Insert rows of values already prepared for the database (in the order of `fields`) into the
    model's table: COPY on PostgreSQL, executemany of `batch` rows a statement elsewhere; the number of rows."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor (Django's has no COPY); its errors become Django's, as a statement's do.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        pending = iter(rows)
        while chunk := list(islice(pending, batch)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def as_copied(value: Any) -> Any:
    """A value prepared for the database (get_db_prep_save) made ready to be sent in many rows: a JSON
    value, which psycopg would otherwise encode again for every row it is in, as its JSON text once."""
    if isinstance(value, Json | Jsonb):
        return (value.dumps or json.dumps)(value.obj)
    return value


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a bulk write builds its rows.

    An import of 10,000 rows holds some 100,000 objects alive until it ends; each full collection
    walks all of them and frees nothing (~0.9 s of the commit, bench/ledger_import.py). What became
    garbage meanwhile is collected as usual once the collector runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
