"""The figures of the insights dashboards, read-only and aggregated in the database.

Every figure is a handful of aggregate queries whatever the volume (tests assert the query counts):
a count per funnel stage, ``percentile_cont`` for the times, one ``GROUP BY`` per column of a
breakdown table. What is counted, and on which date, is written in docs/insights.md:

* a stage is counted in a period by the date of its own event (a need by its submission, a call by
  its publication, a proposal by its submission, an award by the publication of the call's results);
* a domain or unit filter applies through the call (needs carry their own domain and unit);
* nothing here reveals a proposal: the managers' dashboards show counts only, and the public summary
  shows only what the call pages already publish (calls and their winners).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamafza.challenges.models import Call, CallResult, Need
from hamafza.core.models import City, Domain, Unit
from hamafza.insights.durations import duration_summary
from hamafza.insights.models import CalendarFeed
from hamafza.insights.periods import Period, current_jalali_year, jalali_year_of
from hamafza.proposals.models import Proposal


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: a city (None: all cities), a period, a domain and a unit."""

    city: City | None = None
    period: Period | None = None
    domain: Domain | None = None
    unit: Unit | None = None
    extra: dict = field(default_factory=dict, compare=False)


# How each stage reaches the call (for the domain/unit/city filters) and which date places it in a
# period. `None` for `call` means the row is a call.
@dataclass(frozen=True)
class _Stage:
    key: str
    label: str
    call: str | None
    date: str
    own_domain_unit: bool = False


STAGES = [
    _Stage("needs", _("Needs submitted"), None, "submitted_at", own_domain_unit=True),
    _Stage("calls", _("Calls published"), None, "published_at"),
    _Stage("proposals", _("Proposals submitted"), "call", "submitted_at"),
    _Stage("awards", _("Awards"), "call", "call__results_published_at"),
]


def _needs() -> QuerySet[Need]:
    """Needs that reached triage: submitted, not a draft, not a citizen report still in moderation
    and not a duplicate merged into another need."""
    return Need.objects.filter(submitted_at__isnull=False).exclude(
        status__in=[Need.Status.DRAFT, Need.Status.MODERATION, Need.Status.MERGED]
    )


def _calls_published() -> QuerySet[Call]:
    return Call.objects.filter(published_at__isnull=False)


def _proposals_submitted() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status=Proposal.Status.SUBMITTED)


def _awards() -> QuerySet[CallResult]:
    """Public award rows of calls whose results are published."""
    return CallResult.objects.filter(outcome=CallResult.Outcome.AWARDED, call__state=Call.State.RESULTS_PUBLISHED)


_BASE = {"needs": _needs, "calls": _calls_published, "proposals": _proposals_submitted, "awards": _awards}


def _prefix(stage: _Stage) -> str:
    return "" if stage.call is None or stage.own_domain_unit else f"{stage.call}__"


def _scope(qs: QuerySet, stage: _Stage, filters: Filters) -> QuerySet:
    prefix = _prefix(stage)
    if filters.city is not None:
        # Proposals carry their city (denormalised and indexed); the others reach it the same way.
        qs = qs.filter(**{("city_id" if stage.key != "awards" else "call__city_id"): filters.city.pk})
    if filters.domain is not None:
        qs = qs.filter(**{f"{prefix}domain_id": filters.domain.pk})
    if filters.unit is not None:
        qs = qs.filter(**{f"{prefix}unit_id": filters.unit.pk})
    if filters.period is not None:
        qs = qs.filter(**{f"{stage.date}__gte": filters.period.start, f"{stage.date}__lt": filters.period.end})
    return qs


def stage_queryset(key: str, filters: Filters) -> QuerySet:
    stage = next(s for s in STAGES if s.key == key)
    return _scope(_BASE[key](), stage, filters)


def funnel(filters: Filters) -> list[dict]:
    """The stages with their count and the conversion from the previous stage (percent, or None
    when the previous stage is zero). One query per stage."""
    rows, previous = [], None
    for stage in STAGES:
        count = stage_queryset(stage.key, filters).count()
        conversion = None if not previous else round(100.0 * count / previous, 1)
        rows.append({"key": stage.key, "label": str(stage.label), "count": count, "conversion": conversion})
        previous = count
    return rows


def _calls_in(filters: Filters, *, date: str) -> QuerySet[Call]:
    qs = Call.objects.all()
    if filters.city is not None:
        qs = qs.filter(city_id=filters.city.pk)
    if filters.domain is not None:
        qs = qs.filter(domain_id=filters.domain.pk)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit.pk)
    if filters.period is not None:
        qs = qs.filter(**{f"{date}__gte": filters.period.start, f"{date}__lt": filters.period.end})
    return qs


def times(filters: Filters) -> list[dict]:
    """Days from a need's submission to its call's publication, and from a call's publication to
    the publication of its awards; each with median, 75th percentile and the slowest calls. An item
    is in the period by the date it ended (the call's publication, the results' publication)."""
    need_to_call = _calls_in(filters, date="published_at").filter(need__isnull=False)
    call_to_award = (
        _calls_in(filters, date="results_published_at")
        .filter(state=Call.State.RESULTS_PUBLISHED, results__outcome=CallResult.Outcome.AWARDED)
        .distinct()
    )
    return [
        {
            "key": "need_to_call",
            "label": str(_("Need submitted → call published")),
            **duration_summary(need_to_call, start="need__submitted_at", end="published_at", label="title"),
        },
        {
            "key": "call_to_award",
            "label": str(_("Call published → award")),
            **duration_summary(call_to_award, start="published_at", end="results_published_at", label="title"),
        },
    ]


# --- Breakdown tables ------------------------------------------------------------------------------
_GROUP_FIELD = {  # per stage: the path to the grouping key
    "domain": {"calls": "domain_id", "proposals": "call__domain_id", "awards": "call__domain_id"},
    "unit": {"calls": "unit_id", "proposals": "call__unit_id", "awards": "call__unit_id"},
    "city": {"calls": "city_id", "proposals": "city_id", "awards": "call__city_id"},
}


def _grouped_counts(key: str, by: str, filters: Filters) -> dict:
    path = _GROUP_FIELD[by][key]
    rows = stage_queryset(key, filters).order_by().values(path).annotate(n=Count("pk")).values_list(path, "n")
    return dict(rows)


def breakdown(by: str, filters: Filters) -> list[dict]:
    """One row per domain, unit (of the city) or city: calls published, proposals submitted,
    proposals per call and awards in the period. One query per column plus one for the names."""
    calls = _grouped_counts("calls", by, filters)
    proposals = _grouped_counts("proposals", by, filters)
    awards = _grouped_counts("awards", by, filters)
    keys = set(calls) | set(proposals) | set(awards)
    if by == "domain":
        names = {d.pk: d.name for d in Domain.objects.filter(pk__in=[k for k in keys if k is not None])}
        names_none = str(_("No domain"))
    elif by == "unit":
        names = {u.pk: u.name for u in Unit.objects.filter(pk__in=[k for k in keys if k is not None])}
        names_none = ""
    else:
        names = {c.pk: c.name for c in City.objects.filter(pk__in=[k for k in keys if k is not None])}
        names_none = ""
    rows = []
    for k in keys:
        n_calls = calls.get(k, 0)
        rows.append(
            {
                "id": k,
                "name": names.get(k, names_none),
                "calls": n_calls,
                "proposals": proposals.get(k, 0),
                "proposals_per_call": round(proposals.get(k, 0) / n_calls, 1) if n_calls else None,
                "awards": awards.get(k, 0),
            }
        )
    rows.sort(key=lambda r: (-r["calls"], -r["proposals"], r["name"]))
    return rows


# --- The public side of a city ---------------------------------------------------------------------
def open_calls(*, city: City, now=None) -> QuerySet[Call]:
    """Calls of the city accepting proposals now (the same rule as ``Call.is_open``)."""
    now = now or timezone.now()
    return (
        Call.objects.filter(city=city, state=Call.State.PUBLISHED, closes_at__gt=now)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .select_related("unit", "domain")
        .order_by("closes_at", "pk")
    )


def public_calls(*, city: City) -> QuerySet[Call]:
    """Every call of the city that has been made public (the register of calls)."""
    return (
        Call.objects.filter(city=city, state__in=Call.PUBLIC_STATES, published_at__isnull=False)
        .select_related("unit", "domain")
        .annotate(n_awards=Count("results", filter=Q(results__outcome=CallResult.Outcome.AWARDED)))
        .order_by("-published_at", "-pk")
    )


def public_awards(*, city: City) -> QuerySet[CallResult]:
    """The published awards of the city's calls (the register of awards)."""
    return (
        _awards()
        .filter(call__city=city)
        .select_related("call", "call__unit", "organization")
        .order_by("-call__results_published_at", "call_id", "rank", "pk")
    )


def jalali_years(*, city: City | None = None) -> list[int]:
    """The Jalali years in which the city (or any city) published a call, newest first, plus the
    current year: the choices of the period filter. One query."""
    qs = Call.objects.filter(published_at__isnull=False)
    if city is not None:
        qs = qs.filter(city=city)
    first = qs.order_by("published_at").values_list("published_at", flat=True).first()
    last_year = current_jalali_year()
    first_year = jalali_year_of(first) if first else last_year
    return list(range(last_year, min(first_year, last_year) - 1, -1))


def ocds_calls(*, city: City) -> QuerySet[Call]:
    """The calls of the city's OCDS release package: every call that was published (cancelled ones
    too), with the unit and the published awards (``ocds_awards``) loaded. Two queries."""
    awards = CallResult.objects.filter(outcome=CallResult.Outcome.AWARDED).select_related("organization")
    return (
        Call.objects.filter(city=city, published_at__isnull=False)
        .exclude(state__in=Call.EDITABLE_STATES)
        .select_related("unit", "unit__city", "domain")
        .prefetch_related(Prefetch("results", queryset=awards.order_by("rank", "pk"), to_attr="ocds_awards"))
        .order_by("published_at", "pk")
    )


def calendar_calls(*, city: City | None = None, follower=None) -> QuerySet[Call]:
    """Public calls for a calendar feed: a city's, or those `follower` follows. One query."""
    qs = Call.objects.filter(state__in=Call.PUBLIC_STATES, published_at__isnull=False)
    if city is not None:
        qs = qs.filter(city=city)
    if follower is not None:
        qs = qs.filter(follows__user=follower)
    return qs.select_related("unit", "city").order_by("published_at", "pk")


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def cities_with_public_calls() -> QuerySet[City]:
    return City.objects.filter(is_active=True, calls__published_at__isnull=False).distinct().order_by("slug")
