"""One list convention for every collection of the API (kumokan.ledger.paging pages them all).

`page` (from 1) or a cursor (`after` = a page's next_cursor, `before` = its previous_cursor), and
`page_size` up to MAX_PAGE_SIZE. A page past the last is an empty page, not an error; a cursor that
cannot be read is 422, so that a script does not loop on the first page. Lists count up to COUNT_CAP
(`count_capped` says there are more); a numbered page past the counted results is 422: follow the cursor.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field

from kumokan.api.errors import InvalidInput
from kumokan.api.inputs import Text
from kumokan.ledger.paging import PAGE_SIZE, cursor_of, page_of

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class Paging(Schema):
    """The query parameters every list takes."""

    page: int = Field(
        1, ge=1, le=2**31 - 1, description="A page number from 1; a page past the last is empty."
    )
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")
    after: Text | None = Field(
        None, max_length=1000, description="A page's next_cursor: the page after it (one not readable: 422)."
    )
    before: Text | None = Field(
        None, max_length=1000, description="A page's previous_cursor: the page before it."
    )


class Changed(Schema):
    """The filter of the lists whose objects change."""

    updated_since: datetime.datetime | None = Field(
        None, description="Only what changed at or after this moment (ISO 8601 with its offset)."
    )


class Page(Schema, Generic[T]):
    count: int = Field(
        description="How many results there are in all, counted up to 10,000 (see count_capped)."
    )
    count_capped: bool = Field(
        description="True when there are more than `count` results: counting stopped at 10,000, and "
        "the pages past them are reached by next_cursor only."
    )
    page: int | None = Field(description="The page's number; null on a page reached by cursor.")
    pages: int
    page_size: int
    next_page: int | None
    previous_page: int | None
    next_cursor: str | None = Field(description="Ask with after=… for the next page; null on the last.")
    previous_cursor: str | None = Field(description="Ask with before=… for the previous page.")
    results: list[T]


def paginate(
    rows: QuerySet[Any],
    paging: Paging,
    render: Callable[[Any], Any],
    columns: list[str],
    descending: bool = False,
    counted: QuerySet[Any] | None = None,
) -> dict[str, Any]:
    """The page of `rows` that `paging` asks for, in the order of `columns`, each row through `render`."""
    order = [f"-{column}" if descending else column for column in columns]
    params = {"page": paging.page, "after": paging.after or "", "before": paging.before or ""}
    page = page_of(rows.order_by(*order), columns, descending, params, counted, size=paging.page_size)
    if page.unreadable_cursor:
        raise InvalidInput(_("not a cursor of this list"), field=page.unreadable_cursor)
    pages = max(1, -(-page.total // paging.page_size))
    if page.capped and page.number is not None and paging.page > pages:
        raise InvalidInput(
            _("pages past the first %(total)s results are reached by next_cursor only"),
            field="page",
            params={"total": f"{page.total:,}"},
        )
    results = page.object_list
    number, previous_page, next_page = page.number, page.previous_number, page.next_number
    next_cursor, previous_cursor = page.next_cursor, page.previous_cursor
    if number is not None:
        if paging.page > pages:
            number, results, previous_page, next_page = paging.page, [], pages, None
            previous_cursor = next_cursor = None
        else:
            # Numbered pages carry cursors too, so a script can follow next_cursor from the first page.
            next_page = number + 1 if number < pages else None
            if results and next_page:
                next_cursor = cursor_of(results[-1], columns)
            if results and number > 1:
                previous_cursor = cursor_of(results[0], columns)
    return {
        "count": page.total,
        "count_capped": page.capped,
        "page": number,
        "pages": pages,
        "page_size": paging.page_size,
        "next_page": next_page,
        "previous_page": previous_page,
        "next_cursor": next_cursor,
        "previous_cursor": previous_cursor,
        "results": [render(row) for row in results],
    }
