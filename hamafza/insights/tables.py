"""Dashboard tables: each figure is one `Table`, shown as a chart, as an accessible table with the
same numbers, and downloadable as CSV or Excel (the same rows). Tables are built from the
selectors' results; they never query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.formatting import digits, format_date, is_persian, num

NUMERIC = {"int", "decimal", "percent", "days", "money"}


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # text | date | int | decimal | percent | days | money

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart: dict | None = None  # {"type": "bar"|"line", "label": key, "series": [keys], "stacked": bool}
    note: str = ""
    total: int | None = None  # rows in all, when `rows` holds only the first ones
    total_exact: bool = True  # False: `total` is a lower bound ("more than total")

    def to_data(self) -> dict:
        """JSON-ready (for the stored figures); `from_data` gives the table back."""
        return {
            "slug": self.slug,
            "title": str(self.title),
            "columns": [[c.key, str(c.label), c.kind] for c in self.columns],
            "rows": self.rows,
            "chart": self.chart,
            "note": self.note,
        }

    @classmethod
    def from_data(cls, data: dict) -> Table:
        columns = [Column(key, label, kind) for key, label, kind in data["columns"]]
        return cls(data["slug"], data["title"], columns, data["rows"], data["chart"], data["note"])

    def header_labels(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def export_rows(self) -> list[list]:
        """Raw values: numbers stay numbers in Excel, dates are ISO dates in Asia/Tehran."""
        return [[_raw(row.get(c.key)) for c in self.columns] for row in self.rows]

    def display_rows(self) -> list[dict]:
        """Formatted cells in the UI's digits; a row's optional "url" links its first cell."""
        return [
            {
                "cells": [{"text": _display(row.get(c.key), c.kind), "numeric": c.numeric} for c in self.columns],
                "url": row.get("url"),
            }
            for row in self.rows
        ]

    def chart_data(self) -> dict | None:
        """Labels and series for Chart.js (numbers as numbers; the script formats them)."""
        if not self.chart or not self.rows:
            return None
        by_key = {c.key: c for c in self.columns}
        return {
            "type": self.chart.get("type", "bar"),
            "horizontal": self.chart.get("horizontal", False),
            "stacked": self.chart.get("stacked", False),
            "percent": self.chart.get("percent", False),
            "labels": [str(row.get(self.chart["label"], "")) for row in self.rows],
            "datasets": [
                {"label": str(by_key[key].label), "data": [row.get(key) for row in self.rows]}
                for key in self.chart["series"]
            ],
        }


def _raw(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _display(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "text":
        return str(value)
    if kind == "date":
        return format_date(value)
    if kind in ("int", "money"):
        return num(value)
    if kind == "percent":
        return digits(f"{value:.1f}") + ("٪" if is_persian() else "%")
    return digits(f"{value:.1f}") if isinstance(value, float) else digits(value)


# --- The tables of the dashboards ------------------------------------------------------------------
def funnel_table(rows: list[dict]) -> Table:
    return Table(
        slug="funnel",
        title=str(pgettext_lazy("text", "Funnel")),
        columns=[
            Column("label", pgettext_lazy("column", "Stage"), "text"),
            Column("count", pgettext_lazy("column", "Count")),
            Column("conversion", _("Conversion from the previous stage (%)"), "percent"),
        ],
        rows=rows,
        chart={"type": "bar", "horizontal": True, "label": "label", "series": ["count"]},
    )


def times_table(rows: list[dict]) -> Table:
    return Table(
        slug="times",
        title=str(pgettext_lazy("text", "Times (days)")),
        columns=[
            Column("label", pgettext_lazy("column", "Step"), "text"),
            Column("count", pgettext_lazy("column", "Items")),
            Column("median_days", pgettext_lazy("column", "Median (days)"), "days"),
            Column("p75_days", _("75th percentile (days)"), "days"),
        ],
        rows=rows,
        chart={"type": "bar", "label": "label", "series": ["median_days", "p75_days"]},
    )


def slowest_table(rows: list[dict], *, url_for) -> Table:
    """The slowest items of every step; `url_for(step_key, pk)` links an item (or returns None)."""
    flat = [
        {"step": r["label"], "item": s["label"], "days": s["days"], "url": url_for(r["key"], s["pk"])}
        for r in rows
        for s in r["slowest"]
    ]
    return Table(
        slug="slowest",
        title=str(pgettext_lazy("text", "Slowest items")),
        columns=[
            Column("step", pgettext_lazy("column", "Step"), "text"),
            Column("item", pgettext_lazy("column", "Item"), "text"),
            Column("days", pgettext_lazy("column", "Days"), "days"),
        ],
        rows=flat,
    )


def breakdown_table(rows: list[dict], *, by: str) -> Table:
    title = {
        "domain": pgettext_lazy("label", "Per domain"),
        "unit": pgettext_lazy("label", "Per unit"),
        "city": pgettext_lazy("label", "Per city"),
    }[by]
    name = {
        "domain": pgettext_lazy("label", "Domain"),
        "unit": pgettext_lazy("label", "Unit"),
        "city": pgettext_lazy("label", "City"),
    }[by]
    return Table(
        slug=f"per-{by}",
        title=str(title),
        columns=[
            Column("name", name, "text"),
            Column("calls", pgettext_lazy("column", "Calls published")),
            Column("proposals", pgettext_lazy("column", "Proposals submitted")),
            Column("proposals_per_call", _("Proposals per call"), "decimal"),
            Column("awards", pgettext_lazy("column", "Awards")),
            Column("pilots", pgettext_lazy("column", "Pilots started")),
            Column("completed", pgettext_lazy("column", "Pilots completed")),
            Column("value", _("Value of pilots and agreements (Rial)"), "money"),
        ],
        rows=rows,
        chart={"type": "bar", "label": "name", "series": ["calls", "proposals", "awards", "pilots", "completed"]},
    )


LOCAL_SHARE_DEFINITION = _(
    "Local share: of the value of pilots (their approved budget, for pilots that have started) and "
    "agreements (their value, for agreements signed or later; a pilot contract linked to a pilot is the "
    "pilot's money and is counted once, with the pilot), the part that went to organizations (a) in the "
    "city's province, (b) holding a knowledge-based certificate valid on the day the pilot started or "
    "the agreement was signed, (c) both. A consortium's value is split among its members by their "
    "recorded shares, or equally when shares are not recorded; an agreement's value is split equally "
    "among its parties that are organizations. Value that went to no organization counts in the total only."
)


def local_share_table(rows: list[dict], *, by: str | None, slug: str, title: str, note: bool = False) -> Table:
    """The local share per city, domain, unit or Jalali year (`by`), or in total (`by` None)."""
    first = {
        None: Column("name", pgettext_lazy("column", "Selection"), "text"),
        "city": Column("name", pgettext_lazy("column", "City"), "text"),
        "domain": Column("name", pgettext_lazy("column", "Domain"), "text"),
        "unit": Column("name", pgettext_lazy("column", "Unit"), "text"),
        "year": Column("name", pgettext_lazy("column", "Year"), "text"),
    }[by]
    if by is None:
        rows = [{**r, "name": str(pgettext_lazy("text", "All"))} for r in rows]
    chart = {"type": "line" if by == "year" else "bar", "label": "name", "percent": True}
    chart["series"] = ["local_pct", "kb_pct", "both_pct"]
    return Table(
        slug=slug,
        title=title,
        columns=[
            first,
            Column("pilots", pgettext_lazy("column", "Pilots")),
            Column("agreements", pgettext_lazy("column", "Agreements")),
            Column("total", pgettext_lazy("column", "Value (Rial)"), "money"),
            Column("local", _("To local organizations (Rial)"), "money"),
            Column("kb", _("To knowledge-based organizations (Rial)"), "money"),
            Column("both", _("To local knowledge-based organizations (Rial)"), "money"),
            Column("local_pct", _("Local share (%)"), "percent"),
            Column("kb_pct", _("Knowledge-based share (%)"), "percent"),
            Column("both_pct", _("Local and knowledge-based (%)"), "percent"),
        ],
        rows=rows,
        chart=chart if by is not None else None,
        note=str(LOCAL_SHARE_DEFINITION) if note else "",
    )


def public_local_share_table(rows: list[dict]) -> Table:
    """The public summary shows shares in percent only (single values may be confidential)."""
    return Table(
        slug="local-share",
        title=str(_("Local share per year")),
        columns=[
            Column("name", pgettext_lazy("column", "Year"), "text"),
            Column("pilots", pgettext_lazy("column", "Pilots")),
            Column("agreements", pgettext_lazy("column", "Agreements")),
            Column("local_pct", _("Local share (%)"), "percent"),
            Column("kb_pct", _("Knowledge-based share (%)"), "percent"),
            Column("both_pct", _("Local and knowledge-based (%)"), "percent"),
        ],
        rows=rows,
        chart={"type": "line", "label": "name", "series": ["local_pct", "kb_pct", "both_pct"], "percent": True},
        note=str(LOCAL_SHARE_DEFINITION),
    )


# --- Public registers ------------------------------------------------------------------------------
REGISTER_PREVIEW = 20  # rows of each register on the summary page; "see all" pages and downloads carry every row
OPEN_CALLS_PREVIEW = 10  # open calls on the summary page


def open_calls_register(calls, *, url_for) -> Table:
    """The calls of a city accepting proposals now (`selectors.open_calls`), soonest deadline first."""
    rows = [
        {
            "title": c.title,
            "unit": c.unit.name,
            "domain": c.domain.name if c.domain_id else "",
            "type": str(c.get_call_type_display()),
            "closes": c.closes_at,
            "url": url_for("call", c.pk),
        }
        for c in calls
    ]
    return Table(
        slug="open-calls",
        title=str(pgettext_lazy("text", "Open calls")),
        columns=[
            Column("title", pgettext_lazy("column", "Call"), "text"),
            Column("unit", pgettext_lazy("column", "Unit"), "text"),
            Column("domain", pgettext_lazy("column", "Domain"), "text"),
            Column("type", _("Type of call"), "text"),
            Column("closes", pgettext_lazy("column", "Closes"), "date"),
        ],
        rows=rows,
    )


def calls_register(calls, *, url_for) -> Table:
    """Every public call of a city (`selectors.public_calls`)."""
    rows = [
        {
            "title": c.title,
            "unit": c.unit.name,
            "domain": c.domain.name if c.domain_id else "",
            "type": str(c.get_call_type_display()),
            "state": str(c.get_state_display()),
            "published": c.published_at,
            "closes": c.closes_at,
            "awards": c.n_awards,
            "url": url_for("call", c.pk),
        }
        for c in calls
    ]
    return Table(
        slug="calls",
        title=str(_("Register of calls")),
        columns=[
            Column("title", pgettext_lazy("column", "Call"), "text"),
            Column("unit", pgettext_lazy("column", "Unit"), "text"),
            Column("domain", pgettext_lazy("column", "Domain"), "text"),
            Column("type", _("Type of call"), "text"),
            Column("state", pgettext_lazy("column", "State"), "text"),
            Column("published", pgettext_lazy("column", "Published"), "date"),
            Column("closes", pgettext_lazy("column", "Closes"), "date"),
            Column("awards", pgettext_lazy("column", "Awards")),
        ],
        rows=rows,
    )


def awards_register(results, *, url_for) -> Table:
    """Every published award of a city's calls (`selectors.public_awards`)."""
    rows = [
        {
            "call": r.call.title,
            "organization": r.display_name,
            "unit": r.call.unit.name,
            "date": r.call.results_published_at,
            "url": url_for("call", r.call_id),
        }
        for r in results
    ]
    return Table(
        slug="awards",
        title=str(_("Register of awards")),
        columns=[
            Column("call", pgettext_lazy("column", "Call"), "text"),
            Column("organization", pgettext_lazy("column", "Awarded to"), "text"),
            Column("unit", pgettext_lazy("column", "Unit"), "text"),
            Column("date", pgettext_lazy("column", "Results published"), "date"),
        ],
        rows=rows,
    )


def pilots_register(pilots, *, url_for) -> Table:
    """Completed pilots of a city (`pilots.selectors.public_pilots`): their public summary."""
    rows = [
        {
            "title": p.title,
            "unit": p.unit.name,
            "organizations": "، ".join(party.organization.display_name for party in p.parties.all()),
            "started": p.running_since,
            "completed": p.completed_at,
            "url": url_for(p.pk),
        }
        for p in pilots
    ]
    return Table(
        slug="pilots",
        title=str(pgettext_lazy("text", "Completed pilots")),
        columns=[
            Column("title", pgettext_lazy("column", "Pilot"), "text"),
            Column("unit", pgettext_lazy("column", "Host unit"), "text"),
            Column("organizations", pgettext_lazy("column", "Organizations"), "text"),
            Column("started", pgettext_lazy("column", "Started"), "date"),
            Column("completed", pgettext_lazy("column", "Completed"), "date"),
        ],
        rows=rows,
    )


def agreements_register(agreements, *, value_shown) -> Table:
    """The public register of agreements (`pilots.selectors.agreement_register`); a value only when
    public (`value_shown(agreement)`)."""
    rows = [
        {
            "title": a.title,
            "kind": str(a.get_kind_display()),
            "parties": "، ".join(party.display_name for party in a.parties.all()),
            "status": str(a.get_status_display()),
            "signed": a.signed_on,
            "value": value_shown(a),
        }
        for a in agreements
    ]
    return Table(
        slug="agreements",
        title=str(_("Register of agreements")),
        columns=[
            Column("title", pgettext_lazy("column", "Agreement"), "text"),
            Column("kind", pgettext_lazy("column", "Kind"), "text"),
            Column("parties", pgettext_lazy("column", "Parties"), "text"),
            Column("status", pgettext_lazy("column", "Status"), "text"),
            Column("signed", pgettext_lazy("column", "Signed on"), "date"),
            Column("value", _("Value (Rial), when public"), "money"),
        ],
        rows=rows,
    )
