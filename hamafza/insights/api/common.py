"""Schemas and parameters shared by the insights API modules."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamafza.core.api.params import domain_from_code, unit_from_slug
from hamafza.core.api.problems import invalid
from hamafza.insights.periods import Period
from hamafza.insights.selectors import Filters
from hamafza.insights.tables import Table

Format = Literal["csv", "xlsx"]


class FilterQuery(Schema):
    year: int | None = Field(None, ge=1300, le=1500, description="A Jalali year, e.g. 1404.")
    quarter: int | None = Field(None, ge=1, le=4, description="A quarter of `year` (1: Farvardin–Khordad).")
    domain: str | None = Field(None, max_length=60, description="A domain code.")
    unit: str | None = Field(None, max_length=60, description="A unit's slug (city dashboards only).")

    def filters(self, city) -> Filters:
        if self.quarter and not self.year:
            raise invalid("quarter", _("Choose a year for the quarter."))
        if self.unit is not None and city is None:
            raise invalid("unit", _("Units belong to a city: use the city's dashboard."))
        return Filters(
            city=city,
            period=Period(self.year, self.quarter) if self.year else None,
            domain=domain_from_code(self.domain, "domain"),
            unit=unit_from_slug(city, self.unit, "unit") if city is not None else None,
        )


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="text, date, int, decimal, percent, days or money (Rial).")


class TableOut(Schema):
    slug: str
    title: str
    note: str = Field(description="How the figure is defined, where the page writes it.")
    columns: list[ColumnOut]
    rows: list[dict[str, Any]] = Field(description="One object per row, keyed by the columns' keys.")
    computed_at: datetime.datetime | None = Field(
        None, description="When the dashboard's figures were computed (they are stored and refreshed)."
    )
    total: int | None = Field(
        None, description="Public registers: rows in all (`rows` holds the first ones), counted up to 1,000."
    )
    total_exact: bool = Field(True, description="False when `total` is a lower bound (more than 1,000 rows).")


def _value(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def table_out(table: Table, *, computed_at=None) -> dict:
    return {
        "computed_at": computed_at,
        "slug": table.slug,
        "title": str(table.title),
        "note": table.note,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns],
        "rows": [{c.key: _value(row.get(c.key)) for c in table.columns} for row in table.rows],
        "total": table.total,
        "total_exact": table.total_exact,
    }
