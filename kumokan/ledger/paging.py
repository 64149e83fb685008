"""The ledger list's pages (and the API's lists): numbered links for the first pages, then a cursor (keyset pagination).

With OFFSET the database walks past every row before the page, so a page deep in a ledger of a million
entries costs as much as reading them all. A cursor names the last row shown, and the next page starts
right after it in the index that orders the list: `(service_name, function_name, id) > (…)`, a row-value
comparison that PostgreSQL and SQLite both take as the start of an index range.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Expression, F, QuerySet, Value
from django.utils.dateparse import parse_date, parse_datetime

PAGE_SIZE = 25
# Pages linked by number; beyond them the list goes on by cursor.
NUMBERED_PAGES = 10
# Lists count their rows up to this many and then say "10,000 or more": an exact count costs as much as
# reading every matching row (a second at a million entries), a capped one at most this many index
# entries, whatever the size of the table (BENCHMARKS.md, "Ledger list"). A page asked for by number
# lies within the counted rows; past them the list goes on by cursor only.
COUNT_CAP = 10_000


@dataclass
class Page:
    """One page of the list, with what its navigation links to."""

    object_list: list[Any]
    total: int  # at most COUNT_CAP
    number: int | None  # None on a page reached by cursor
    numbers: list[int] = field(default_factory=list)
    previous_number: int | None = None
    next_number: int | None = None
    previous_cursor: str | None = None
    next_cursor: str | None = None
    # "after" or "before" when that cursor could not be read and the first page is shown instead.
    unreadable_cursor: str | None = None
    # True when there are more than `total` (= COUNT_CAP) rows: counting stopped there.
    capped: bool = False

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_number or self.next_number or self.previous_cursor or self.next_cursor)


class RowComparison(Expression):
    """`(column, …) > (value, …)` (or `<`): where a keyset page starts."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, columns: list[Any], values: list[Any], operator: str) -> None:
        super().__init__()
        self.columns, self.values, self.operator = columns, values, operator

    def get_source_expressions(self) -> list[Any]:
        return [*self.columns, *self.values]

    def set_source_expressions(self, expressions: list[Any]) -> None:
        count = len(self.columns)
        self.columns, self.values = expressions[:count], expressions[count:]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sides, params = [], []
        for side in (self.columns, self.values):
            compiled = [compiler.compile(expression) for expression in side]
            sides.append(", ".join(sql for sql, _ in compiled))
            params += [param for _, side_params in compiled for param in side_params]
        return f"({sides[0]}) {self.operator} ({sides[1]})", params


def page_of(
    entries: QuerySet[Any],
    columns: list[str],
    descending: bool,
    params: Any,
    counted: QuerySet[Any] | None = None,
    size: int | None = None,
) -> Page:
    """The page that `params` (page, after or before) asks for of `entries`, ordered by `columns`;
    `counted`, if given, is the same entries in the form that counts them best. The API pages every
    list this way, with the page size its caller asks for (`size`; the ledger page's by default)."""
    size = size or PAGE_SIZE
    total, capped = count_capped(entries if counted is None else counted)
    unreadable = None
    for key, forward in (("after", True), ("before", False)):
        cursor = params.get(key, "")
        values = _decode(cursor, columns, entries.model)
        if values is not None:
            page = _keyset_page(entries, columns, descending, values, forward, total, size)
            page.capped = capped
            return page
        if cursor:
            unreadable = unreadable or key
    pages = max(1, -(-total // size))
    try:
        number = min(max(int(params.get("page", 1)), 1), pages)
    except (TypeError, ValueError):
        number = 1
    rows = list(entries[(number - 1) * size : number * size])
    page = Page(rows, total, number, numbers=list(range(1, min(pages, NUMBERED_PAGES) + 1)), capped=capped)
    page.unreadable_cursor = unreadable
    if number > NUMBERED_PAGES:
        page.numbers.append(number)
    if number > 1:
        page.previous_number = number - 1
    if number < NUMBERED_PAGES and number < pages:
        page.next_number = number + 1
    elif rows and (number < pages or capped):
        page.next_cursor = cursor_of(rows[-1], columns)
    return page


def count_capped(rows: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """How many `rows` there are, counted up to `cap` (COUNT_CAP), and whether there are more:
    `SELECT count(*) FROM (SELECT … LIMIT cap + 1)`, unordered so the database may count from any index."""
    cap = COUNT_CAP if cap is None else cap
    found = rows.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def _keyset_page(
    entries: QuerySet[Any],
    columns: list[str],
    descending: bool,
    values: list[Any],
    forward: bool,
    total: int,
    size: int,
) -> Page:
    fields = [_field(entries.model, column) for column in columns]
    start = RowComparison(
        [F(column) for column in columns],
        [Value(value, output_field=f) for value, f in zip(values, fields, strict=True)],
        ">" if forward != descending else "<",
    )
    query = entries.filter(start)
    if not forward:
        query = query.reverse()
    rows = list(query[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    page = Page(rows, total, None, numbers=list(range(1, min(-(-total // size), NUMBERED_PAGES) + 1)))
    if rows and (more or not forward):
        page.next_cursor = cursor_of(rows[-1], columns)
    if rows and (more or forward):
        page.previous_cursor = cursor_of(rows[0], columns)
    return page


def _field(model: Any, column: str) -> models.Field[Any, Any]:
    *path, name = column.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(name)  # type: ignore[no-any-return]


def _value(row: Any, column: str) -> Any:
    value: Any = row
    for part in column.split("__"):
        value = getattr(value, part)
    return value


def cursor_of(row: Any, columns: list[str]) -> str:
    """The cursor naming `row` in a list ordered by `columns`."""
    values = [_value(row, column) for column in columns]
    text = json.dumps([v.isoformat() if isinstance(v, datetime.date) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, columns: list[str], model: Any) -> list[Any] | None:
    """The cursor's values, typed for their columns; None for a missing or malformed cursor."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        fields = [_field(model, column) for column in columns]
    except (ValueError, FieldDoesNotExist):
        return None
    if not isinstance(values, list) or len(values) != len(columns):
        return None
    try:
        typed = [_typed(value, f) for value, f in zip(values, fields, strict=True)]
    except (ValueError, OverflowError):
        # Well-formed but impossible: 2020-13-45, an offset past ±24 h, a year beyond 9999 in UTC.
        return None
    return None if None in typed else typed


def _typed(value: Any, f: models.Field[Any, Any]) -> Any:
    """`value` as the column `f` compares it, or None if the column could not hold it."""
    if isinstance(f, models.DateTimeField):
        moment = parse_datetime(value) if isinstance(value, str) else None
        # The cursors we write carry their offset; the database compares in UTC.
        return moment.astimezone(datetime.UTC) if moment and moment.tzinfo else None
    if isinstance(f, models.DateField):
        return parse_date(value) if isinstance(value, str) else None
    if isinstance(f, models.IntegerField | models.AutoField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return value if whole and -(2**63) <= value < 2**63 else None
    # PostgreSQL refuses NUL in text.
    return value if isinstance(value, str) and "\x00" not in value else None
