"""Median, 75th percentile and the slowest items of a duration (end - start) over a queryset, computed
in the database: PostgreSQL's ``percentile_cont`` in one query; on SQLite (one machine, small data)
the durations come back in one query and are interpolated the same way in Python. Either way the
number of queries does not depend on the number of rows."""

from __future__ import annotations

import math

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func, QuerySet

SECONDS_PER_DAY = 86400.0
SLOWEST = 5


class _EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class PercentileCont(Aggregate):
    """PostgreSQL ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (what ``percentile_cont`` computes)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def duration(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def duration_summary(queryset: QuerySet, *, start: str, end: str, label: str) -> dict:
    """``{"count", "median_days", "p75_days", "slowest": [{"pk", "label", "days"}]}`` for the rows of
    `queryset` where both `start` and `end` are set. `label` names the field shown for a slow item.
    Two queries."""
    rows = queryset.filter(**{f"{start}__isnull": False, f"{end}__isnull": False}).annotate(
        _duration=duration(start, end)
    )
    if connection.vendor == "postgresql":
        seconds = _EpochSeconds(F("_duration"))
        stats = rows.aggregate(
            median=PercentileCont(seconds, 0.5), p75=PercentileCont(seconds, 0.75), count=Count("pk")
        )
        count, median, p75 = stats["count"], stats["median"], stats["p75"]
    else:
        values = sorted(d.total_seconds() for d in rows.values_list("_duration", flat=True))
        count, median, p75 = len(values), percentile(values, 0.5), percentile(values, 0.75)
    slowest = [
        {"pk": pk, "label": text, "days": round(d.total_seconds() / SECONDS_PER_DAY, 1)}
        for pk, text, d in rows.order_by("-_duration", "pk").values_list("pk", label, "_duration")[:SLOWEST]
    ]
    return {
        "count": count,
        "median_days": None if median is None else round(median / SECONDS_PER_DAY, 1),
        "p75_days": None if p75 is None else round(p75 / SECONDS_PER_DAY, 1),
        "slowest": slowest,
    }
