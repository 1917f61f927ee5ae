"""Lists: every list is paginated (`page`, `page_size`), ordered only by declared fields and
filtered only by declared parameters, and answers
`{"count", "count_exact", "page", "page_size", "pages", "has_next", "items"}`.

The count reads at most enough rows for the requested page plus ``hamafza.core.paging.COUNT_CAP``
(never the whole table): beyond, ``count_exact`` is false and ``count`` and ``pages`` are lower
bounds; ``has_next`` is always exact."""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, create_model

from hamafza.core.api.problems import ApiError
from hamafza.core.paging import capped_count, count_limit, page_rows

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class ListQuery(Schema):
    """Query parameters every list accepts. Subclass it to declare filters and `ordering`."""

    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (1–100).")


def ordering_param(*fields: str):
    """A `Literal` of the declared ordering fields and their `-field` (descending) forms, for an
    `ordering: ordering_param("name", "created_at") | None = None` field of a ListQuery."""
    values = tuple(v for f in fields for v in (f, f"-{f}"))
    return Literal[values]  # type: ignore[valid-type]


def order(queryset: QuerySet, ordering: str | None, *, default: tuple[str, ...], fields: dict | None = None):
    """Order by the requested declared field (mapped through `fields` to ORM lookups), then by pk
    so pages are stable."""
    if not ordering:
        return queryset.order_by(*default, "pk")
    descending = ordering.startswith("-")
    name = ordering.lstrip("-")
    lookup = (fields or {}).get(name, name)
    return queryset.order_by(f"-{lookup}" if descending else lookup, "pk")


_PAGE_SCHEMAS: dict[tuple[type, bool], type] = {}


def page_of(item: type[Schema], *, keyset: bool = False) -> type[Schema]:
    """The response schema of a paginated list of `item` (named `<Item>Page` in OpenAPI); with
    `keyset`, it also carries `next_after`, the cursor of the next page."""
    if (item, keyset) not in _PAGE_SCHEMAS:
        name = item.__name__.removesuffix("Out") + "Page"
        extra = {}
        if keyset:
            extra["next_after"] = (
                str | None,
                Field(
                    description="Pass it as `after` to read the next page by keyset (fast however deep); "
                    "null on the last page or when the list is searched or ordered otherwise."
                ),
            )
        _PAGE_SCHEMAS[(item, keyset)] = create_model(
            name,
            __base__=Schema,
            count=(
                int,
                Field(description="Items in the whole list; a lower bound when `count_exact` is false."),
            ),
            count_exact=(
                bool,
                Field(
                    description="Whether `count` is exact. Long lists are counted only up to a limit past the "
                    "requested page (at least 1,000 items); beyond it `count` and `pages` are lower bounds."
                ),
            ),
            page=(int, Field(description="This page's number.")),
            page_size=(int, Field(description="Items per page.")),
            pages=(int, Field(description="Number of pages (at least 1; a lower bound when `count_exact` is false).")),
            has_next=(bool, Field(description="Whether a next page exists.")),
            **extra,
            items=(list[item], ...),
        )
    return _PAGE_SCHEMAS[(item, keyset)]


class Rows(list):
    """A list of rows built in Python that `paginate` can count like a queryset."""

    def count(self, *args) -> int:  # type: ignore[override]
        return len(self)


def paginate(queryset, query: ListQuery, *, ids_first: bool = False) -> dict:
    """One page of `queryset` (two queries: a capped count and the page; three with `ids_first`, see
    ``core.paging.page_rows``). A page past the last is 404."""
    counted = capped_count(queryset, limit=count_limit(page=query.page, per_page=query.page_size))
    count = counted.value
    pages = max(1, -(-count // query.page_size))
    if query.page > pages:
        raise ApiError(
            404,
            "not_found",
            _("Page %(page)s does not exist; the last page is %(pages)s.") % {"page": query.page, "pages": pages},
            errors=[{"name": "query.page", "message": _("No such page.")}],
        )
    start = (query.page - 1) * query.page_size
    return {
        "count": count,
        "count_exact": counted.exact,
        "page": query.page,
        "page_size": query.page_size,
        "pages": pages,
        "has_next": query.page < pages,
        "items": page_rows(queryset, start, start + query.page_size, ids_first=ids_first),
    }
