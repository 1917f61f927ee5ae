"""The public registers of a city (open calls, calls, awards, completed pilots, agreements), read a
page at a time.

The summary page shows the first rows of each with a count that stops at `paging.COUNT_CAP`
("more than 1,000"); its "see all" pages walk a register by **keyset**: the cursor is the sort key
of the last row shown and the next page is ``WHERE (key) after (cursor) ORDER BY key LIMIT n``, so a
deep page costs what the first does (no OFFSET). Every sort key ends with the primary key and is
never NULL (nullable dates are coalesced), so the order is total and the walk misses no row."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import DateField, DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from hamafza.core.paging import CappedCount, capped_count, decode_cursor, encode_cursor
from hamafza.insights import selectors
from hamafza.pilots import selectors as pilot_selectors

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
EPOCH_DAY = datetime.date(1970, 1, 1)
PAGE_SIZE = 50


@dataclass(frozen=True)
class SortKey:
    name: str  # the annotation the rows are ordered by
    expression: object
    descending: bool
    kind: str  # "moment", "day" or "int" (how the cursor carries it)


@dataclass(frozen=True)
class Register:
    slug: str
    rows: Callable[..., QuerySet]  # (city) -> every row, related objects loaded
    key: tuple[SortKey, ...]
    fields: tuple[str, ...] = ()  # what the table reads (a narrow sort of the city's rows), or all

    def ordered(self, city) -> QuerySet:
        qs = self.rows(city)
        if self.fields:
            qs = qs.only(*self.fields)
        qs = qs.annotate(**{k.name: k.expression for k in self.key})
        return qs.order_by(*[f"-{k.name}" if k.descending else k.name for k in self.key])


def _moment(field: str, name: str, *, descending: bool) -> SortKey:
    return SortKey(name, Coalesce(field, Value(EPOCH), output_field=DateTimeField()), descending, "moment")


def _day(field: str, name: str, *, descending: bool) -> SortKey:
    return SortKey(name, Coalesce(field, Value(EPOCH_DAY), output_field=DateField()), descending, "day")


def _int(field: str, name: str, *, descending: bool) -> SortKey:
    return SortKey(name, Coalesce(field, Value(0)), descending, "int")


def _pk(*, descending: bool) -> SortKey:
    return SortKey("k_pk", F("pk"), descending, "int")


CALL_FIELDS = (
    "id",
    "title",
    "call_type",
    "state",
    "published_at",
    "opens_at",
    "closes_at",
    "unit__id",
    "unit__name_fa",
    "unit__name_en",
    "domain__id",
    "domain__name_fa",
    "domain__name_en",
)
AWARD_FIELDS = (
    "id",
    "call_id",
    "organization_id",
    "applicant_name",
    "rank",
    "outcome",
    "call__id",
    "call__title",
    "call__results_published_at",
    "call__unit__id",
    "call__unit__name_fa",
    "call__unit__name_en",
    "organization__id",
    "organization__name",
    "organization__name_en",
)

REGISTERS = {
    r.slug: r
    for r in (
        Register(
            "open-calls",
            lambda city: selectors.open_calls(city=city),
            (_moment("closes_at", "k_closes", descending=False), _pk(descending=False)),
            CALL_FIELDS,
        ),
        Register(
            "calls",
            lambda city: selectors.public_calls(city=city),
            (_moment("published_at", "k_published", descending=True), _pk(descending=True)),
            CALL_FIELDS,
        ),
        Register(
            "awards",
            lambda city: selectors.public_awards(city=city),
            (
                _moment("call__results_published_at", "k_results", descending=True),
                _int("call_id", "k_call", descending=False),
                _int("rank", "k_rank", descending=False),
                _pk(descending=False),
            ),
            AWARD_FIELDS,
        ),
        Register(
            "pilots",
            lambda city: pilot_selectors.public_pilots(city=city),
            (_moment("completed_at", "k_completed", descending=True), _pk(descending=True)),
        ),
        Register(
            "agreements",
            lambda city: pilot_selectors.agreement_register(city=city),
            (_day("signed_on", "k_signed", descending=True), _pk(descending=True)),
        ),
    )
}


def register_rows(slug: str, city) -> QuerySet:
    """Every row of a register in its order (the downloads)."""
    return REGISTERS[slug].ordered(city)


def register_count(slug: str, city) -> CappedCount:
    """The number of rows, counted up to `paging.COUNT_CAP`. One query."""
    return capped_count(REGISTERS[slug].rows(city))


def cursor_of(slug: str, row) -> str:
    """The cursor of the page that follows `row` (a row of `register_rows` or `register_page`)."""
    return _encode(REGISTERS[slug], row)


def _encode(register: Register, row) -> str:
    values = []
    for k in register.key:
        value = getattr(row, k.name)
        values.append(value.isoformat() if k.kind in ("moment", "day") else value)
    return encode_cursor(values)


def _decode(register: Register, cursor: str) -> list | None:
    types = tuple(int if k.kind == "int" else str for k in register.key)
    raw = decode_cursor(cursor, types)
    if raw is None:
        return None
    values = []
    try:
        for k, value in zip(register.key, raw, strict=True):
            if k.kind == "moment":
                value = datetime.datetime.fromisoformat(value)
                if value.tzinfo is None:
                    return None
            elif k.kind == "day":
                value = datetime.date.fromisoformat(value)
            values.append(value)
    except ValueError:
        return None
    return values


def _after(register: Register, values: list) -> Q:
    """Rows after the sort key `values` in the register's order (a row-value comparison spelled
    out, as the directions may differ)."""
    condition = Q()
    for i, k in enumerate(register.key):
        step = Q(**{f"{k.name}__{'lt' if k.descending else 'gt'}": values[i]})
        for earlier, value in zip(register.key[:i], values[:i], strict=True):
            step &= Q(**{earlier.name: value})
        condition |= step
    return condition


class BadCursor(ValueError):
    pass


def register_page(slug: str, city, *, after: str | None = None, size: int = PAGE_SIZE) -> tuple[list, str | None]:
    """A page of a register: its rows and the cursor of the next page (None on the last). Raises
    BadCursor for a cursor this register did not give. A fixed number of queries (the rows, and
    the prefetched parties of pilots and agreements)."""
    register = REGISTERS[slug]
    qs = register.ordered(city)
    if after:
        values = _decode(register, after)
        if values is None:
            raise BadCursor(after)
        qs = qs.filter(_after(register, values))
    rows = list(qs[: size + 1])
    if len(rows) > size:
        return rows[:size], _encode(register, rows[size - 1])
    return rows, None
