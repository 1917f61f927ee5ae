"""Counting without scanning what a page does not show.

A list of a national installation can hold hundreds of thousands of rows (the proposals an
innovation manager of Tehran may see, the directory). An exact ``COUNT(*)`` reads every one of
them on every request even though the page shows twenty. Here a count stops early: it reads at
most ``limit + 1`` rows (``SELECT COUNT(*) FROM (SELECT id ... LIMIT limit + 1)``, an index scan
that stops), and says "more than N" beyond. The limit grows with the requested page so the
page asked for, and whether another follows, are always known exactly.

``capped_count`` is the building block; ``CappedPaginator`` is Django's paginator with that count
(pages use ``count_exact`` to say "more than N" and leave out "of N pages"); the API lists use
it through ``hamafza.core.api.lists.paginate`` (``count_exact`` and ``has_next`` in every page).
Deep pages of a long list are read by keyset (``encode_cursor`` / ``decode_cursor``: the sort key
of the last row shown, so the next page is an index range scan instead of an OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator

from hamafza.core.text import normalize

#: Rows counted exactly before a count says "more than COUNT_CAP".
COUNT_CAP = 1000


@dataclass(frozen=True)
class CappedCount:
    value: int  # the exact count when `exact`, else `limit + 1` (a lower bound)
    exact: bool
    limit: int  # the count was exact up to this many rows

    @property
    def shown(self) -> int:
        """The number to print: the count, or the limit it is "more than"."""
        return self.value if self.exact else self.limit


def count_limit(*, page: int = 1, per_page: int = 1, cap: int | None = None) -> int:
    """How many rows to count so that page `page` and the existence of the next one are known."""
    return max(COUNT_CAP if cap is None else cap, max(page, 1) * per_page)


def capped_count(rows, *, limit: int | None = None) -> CappedCount:
    """Count `rows` (a queryset, a list, or an object with ``count_up_to(limit)``) reading at most
    `limit + 1` of them."""
    limit = COUNT_CAP if limit is None else limit
    if hasattr(rows, "count_up_to"):  # a sequence that counts itself (e.g. a ranked search)
        n = rows.count_up_to(limit)
    elif hasattr(rows, "query"):
        n = rows.order_by().values("pk")[: limit + 1].count()
    else:
        n = len(rows)
    return CappedCount(value=min(n, limit + 1), exact=n <= limit, limit=limit)


class CappedPaginator(Paginator):
    """A Paginator whose count reads at most enough rows for the requested page plus `cap`.

    ``count`` is exact when ``count_exact``; otherwise it is a lower bound one past
    ``count_limit``, so ``num_pages`` includes the page after the requested one and
    ``page.has_next()`` is right. Templates print ``count_shown`` ("more than N" when inexact).
    """

    def __init__(
        self, object_list, per_page, *, page: int = 1, cap: int | None = None, ids_first: bool = False, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit(page=page, per_page=int(per_page), cap=cap)
        self.ids_first = ids_first  # see page_rows

    @cached_property
    def capped(self) -> CappedCount:
        return capped_count(self.object_list, limit=self.count_limit)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return self.capped.value

    @property
    def count_exact(self) -> bool:
        return self.capped.exact

    @property
    def count_shown(self) -> int:
        return self.capped.shown

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top, ids_first=self.ids_first), number, self)


def page_number(raw: str | None) -> int | None:
    """A page number typed in the URL (`?page=`, Persian or Latin digits), or None when it is not a
    positive whole number."""
    text = normalize(raw or "").strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) < 7):
        return None
    return int(text) or None


def encode_cursor(values) -> str:
    """An opaque keyset cursor (URL-safe) for the sort key `values` of the last row of a page."""
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, types: tuple[type, ...]) -> tuple | None:
    """The sort key of `cursor` if it decodes to values of exactly these `types`, else None."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    if not all(type(v) is t for v, t in zip(values, types, strict=True)):
        return None
    return tuple(values)


#: From this offset on, a page reads its ids first (an index-only scan) and then only its rows.
DEFERRED_JOIN_OFFSET = 500


def page_rows(rows, start: int, stop: int, *, ids_first: bool = False) -> list:
    """Rows `start`..`stop` of `rows`. A deep page of an ordered queryset skips the offset on the
    ids only (``SELECT id … ORDER BY … OFFSET n``, which an index in the list's order answers
    without touching the table) and then reads just its own rows: a directory page 2000 read
    48,000 full rows to throw them away. `ids_first` does so from the first page on, for a list
    whose size the planner cannot estimate (a semi-join): it would otherwise join the related rows
    of every match before sorting them (calls ``?mine``: 1,492 calls joined and sorted, 30 ms,
    for 20 shown; ADR 0029, addendum)."""
    if not hasattr(rows, "query") or not rows.ordered or (start < DEFERRED_JOIN_OFFSET and not ids_first):
        return list(rows[start:stop])
    ids = list(rows.values_list("pk", flat=True)[start:stop])
    position = {pk: i for i, pk in enumerate(ids)}
    return sorted(rows.filter(pk__in=ids), key=lambda row: position[row.pk])
