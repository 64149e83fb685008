"""Pagination as the ledger page pages its list: ?page=N (from 1), its page size, the total count."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from ninja import Schema
from pydantic import Field

from kumokan.ledger.paging import PAGE_SIZE

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int = Field(description="How many results there are in all.")
    page: int
    pages: int
    page_size: int
    results: list[T]


def paginate(
    rows: QuerySet[Any] | Sequence[Any], page: int, render: Callable[[Any], Any], page_size: int = PAGE_SIZE
) -> dict[str, Any]:
    """One page of `rows`, each passed through `render`; a page past the last is 404 (the page clamps it)."""
    paginator = Paginator(rows, page_size)
    if page > paginator.num_pages:
        raise Http404
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "results": [render(row) for row in paginator.page(page)],
    }
