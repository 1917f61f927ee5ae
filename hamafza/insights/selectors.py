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

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.models import Call, CallResult, Need
from hamafza.core.models import City, Domain, Unit
from hamafza.insights.durations import duration_summary
from hamafza.insights.models import CalendarFeed, FigureSnapshot, OpenDataFile
from hamafza.insights.periods import Period, current_jalali_year, jalali_year_of
from hamafza.pilots.models import Agreement, Milestone, Payment, Pilot
from hamafza.proposals.models import Proposal


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: a city (None: all cities), a period, a domain and a unit."""

    city: City | None = None
    period: Period | None = None
    domain: Domain | None = None
    unit: Unit | None = None
    extra: dict = field(default_factory=dict, compare=False)


# Each stage: its rows, the paths to its city, domain and unit (through the call, except for needs,
# which carry their own), the field whose date places it in a period, and whether that field is a
# date (agreements' signing date) rather than a moment.
@dataclass(frozen=True)
class _Stage:
    key: str
    label: str
    rows: Callable[[], QuerySet]
    city: str
    domain: str
    unit: str
    date: str
    is_date: bool = False


def _needs() -> QuerySet[Need]:
    """Needs that reached triage: submitted, not a draft, not a citizen report still in moderation
    and not a duplicate merged into another need."""
    return Need.objects.filter(submitted_at__isnull=False).exclude(
        status__in=[Need.Status.DRAFT, Need.Status.MODERATION, Need.Status.MERGED]
    )


def _calls_published() -> QuerySet[Call]:
    return Call.objects.filter(published_at__isnull=False)


def _proposals_submitted() -> QuerySet[Proposal]:
    """Submitted proposals to calls — not the pitches a pitch event's jury judges as proposals of its
    hidden call (ADR 0030), which are no application to a call."""
    return Proposal.objects.filter(status=Proposal.Status.SUBMITTED, call__judging_only=False)


def _awards() -> QuerySet[CallResult]:
    """Public award rows of calls whose results are published."""
    return CallResult.objects.filter(outcome=CallResult.Outcome.AWARDED, call__state=Call.State.RESULTS_PUBLISHED)


def _pilots_started() -> QuerySet[Pilot]:
    """Pilots that have run (planned ones have not started)."""
    return Pilot.objects.filter(running_since__isnull=False)


def _pilots_completed() -> QuerySet[Pilot]:
    return Pilot.objects.filter(state=Pilot.State.COMPLETED, completed_at__isnull=False)


def _agreements_signed() -> QuerySet[Agreement]:
    """Agreements in the public register (signed, active, completed or terminated), with a date;
    their domain and unit are those of their call, or of their pilot's call."""
    return Agreement.objects.filter(status__in=Agreement.PUBLIC_STATUSES, signed_on__isnull=False).annotate(
        call_domain=Coalesce("call__domain_id", "pilot__call__domain_id"),
        call_unit=Coalesce("call__unit_id", "pilot__call__unit_id"),
    )


STAGES = [
    _Stage(
        "needs", pgettext_lazy("option", "Needs submitted"), _needs, "city_id", "domain_id", "unit_id", "submitted_at"
    ),
    _Stage(
        "calls",
        pgettext_lazy("option", "Calls published"),
        _calls_published,
        "city_id",
        "domain_id",
        "unit_id",
        "published_at",
    ),
    _Stage(
        "proposals",
        pgettext_lazy("text", "Proposals submitted"),
        _proposals_submitted,
        "city_id",
        "call__domain_id",
        "call__unit_id",
        "submitted_at",
    ),
    _Stage(
        "awards",
        pgettext_lazy("text", "Awards"),
        _awards,
        "call__city_id",
        "call__domain_id",
        "call__unit_id",
        "call__results_published_at",
    ),
    _Stage(
        "pilots",
        pgettext_lazy("text", "Pilots started"),
        _pilots_started,
        "city_id",
        "call__domain_id",
        "call__unit_id",
        "running_since",
    ),
    _Stage(
        "completed",
        pgettext_lazy("text", "Pilots completed"),
        _pilots_completed,
        "city_id",
        "call__domain_id",
        "call__unit_id",
        "completed_at",
    ),
    _Stage(
        "agreements",
        pgettext_lazy("text", "Agreements signed"),
        _agreements_signed,
        "city_id",
        "call_domain",
        "call_unit",
        "signed_on",
        is_date=True,
    ),
]
_STAGES = {s.key: s for s in STAGES}


def period_filter(field: str, period: Period, *, is_date: bool = False) -> Q:
    """`field` within the period (a date field compares with the Tehran dates of its bounds)."""
    if is_date:
        return Q(**{f"{field}__gte": period.start.date(), f"{field}__lt": period.end.date()})
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _scope(qs: QuerySet, stage: _Stage, filters: Filters) -> QuerySet:
    if filters.city is not None:
        qs = qs.filter(**{stage.city: filters.city.pk})
    if filters.domain is not None:
        qs = qs.filter(**{stage.domain: filters.domain.pk})
    if filters.unit is not None:
        qs = qs.filter(**{stage.unit: filters.unit.pk})
    if filters.period is not None:
        qs = qs.filter(period_filter(stage.date, filters.period, is_date=stage.is_date))
    return qs


def stage_queryset(key: str, filters: Filters) -> QuerySet:
    stage = _STAGES[key]
    return _scope(stage.rows(), stage, filters)


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


def _stage_by(key: str, filters: Filters, *, date: str) -> QuerySet:
    """The rows of a stage placed in the period by another of their dates."""
    stage = replace(_STAGES[key], date=date)
    return _scope(stage.rows(), stage, filters)


def times(filters: Filters) -> list[dict]:
    """Days from a need's submission to its call's publication, from a call's publication to the
    publication of its awards, from the award to the pilot's start (first running) and from the
    start to the pilot's completion; each with median, 75th percentile and the slowest items. An
    item is in the period by the date its step ended."""
    need_to_call = stage_queryset("calls", filters).filter(need__isnull=False)
    call_to_award = (
        _stage_by("calls", filters, date="results_published_at")
        .filter(state=Call.State.RESULTS_PUBLISHED, results__outcome=CallResult.Outcome.AWARDED)
        .distinct()
    )
    award_to_pilot = stage_queryset("pilots", filters)
    pilot_to_completion = stage_queryset("completed", filters)
    steps = [
        ("need_to_call", _("Need submitted → call published"), need_to_call, "need__submitted_at", "published_at"),
        ("call_to_award", _("Call published → award"), call_to_award, "published_at", "results_published_at"),
        ("award_to_pilot", _("Award → pilot start"), award_to_pilot, "call__results_published_at", "running_since"),
        ("pilot_to_completion", _("Pilot start → completion"), pilot_to_completion, "running_since", "completed_at"),
    ]
    return [
        {"key": key, "label": str(label), **duration_summary(qs, start=start, end=end, label="title")}
        for key, label, qs, start, end in steps
    ]


# --- Breakdown tables ------------------------------------------------------------------------------
def _grouped_counts(key: str, by: str, filters: Filters) -> dict:
    stage = _STAGES[key]
    path = {"domain": stage.domain, "unit": stage.unit, "city": stage.city}[by]
    rows = stage_queryset(key, filters).order_by().values(path).annotate(n=Count("pk")).values_list(path, "n")
    return dict(rows)


BREAKDOWN_STAGES = ("calls", "proposals", "awards", "pilots", "completed")


def breakdown(by: str, filters: Filters, *, values: dict | None = None) -> list[dict]:
    """One row per domain, unit (of the city) or city: calls published, proposals submitted,
    proposals per call, awards, pilots started and completed in the period, and `values` (key ->
    value of pilots and agreements, from `local_share`). One query per column plus one for names."""
    counts = {key: _grouped_counts(key, by, filters) for key in BREAKDOWN_STAGES}
    values = values or {}
    keys = set().union(*counts.values()) | set(values)
    model = {"domain": Domain, "unit": Unit, "city": City}[by]
    names = {o.pk: o.name for o in model.objects.filter(pk__in=[k for k in keys if k is not None])}
    rows = []
    for k in keys:
        row = {"id": k, "name": names.get(k, str(pgettext_lazy("text", "No domain")) if by == "domain" else "")}
        row.update({key: counts[key].get(k, 0) for key in BREAKDOWN_STAGES})
        row["proposals_per_call"] = round(row["proposals"] / row["calls"], 1) if row["calls"] else None
        row["value"] = values.get(k, 0)
        rows.append(row)
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


# The number of awards of each call, read per row shown (a subquery) rather than by grouping the
# city's calls with all their results before the page is cut.
_award_counts = (
    CallResult.objects.filter(call=OuterRef("pk"), outcome=CallResult.Outcome.AWARDED)
    .order_by()
    .values("call")
    .annotate(n=Count("pk"))
    .values("n")
)


def public_calls(*, city: City) -> QuerySet[Call]:
    """Every call of the city that has been made public (the register of calls)."""
    return (
        Call.objects.filter(city=city, state__in=Call.PUBLIC_STATES, published_at__isnull=False)
        .select_related("unit", "domain")
        .annotate(n_awards=Coalesce(Subquery(_award_counts), 0))
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
    current year: the choices of the period filter. One query, whose answer (the first publication)
    is cached for INSIGHTS_SNAPSHOT_MAX_AGE: nationally it sorts every call (220 ms at 50,000)."""
    key = f"insights:first-published:{city.pk if city is not None else '-'}"
    first = cache.get(key)
    if first is None:
        qs = Call.objects.filter(published_at__isnull=False)
        if city is not None:
            qs = qs.filter(city=city)
        first = qs.order_by("published_at").values_list("published_at", flat=True).first() or ""
        cache.set(key, first, settings.INSIGHTS_SNAPSHOT_MAX_AGE)
    last_year = current_jalali_year()
    first_year = jalali_year_of(first) if first else last_year
    return list(range(last_year, min(first_year, last_year) - 1, -1))


# What a release reads of an award and its organization (not the organizations' long texts).
OCDS_RESULT_FIELDS = (
    "id",
    "call_id",
    "organization_id",
    "rank",
    "outcome",
    "public_reason",
    "applicant_name",
    "organization__id",
    "organization__name",
    "organization__name_en",
    "organization__province",
    "organization__city_name",
)


def ocds_calls(*, city: City) -> QuerySet[Call]:
    """The calls of the city's OCDS release package: every call that was published (cancelled ones
    too), with the unit and the published awards (``ocds_awards``) loaded. Two queries."""
    awards = (
        CallResult.objects.filter(outcome=CallResult.Outcome.AWARDED)
        .select_related("organization")
        .only(*OCDS_RESULT_FIELDS)
    )
    return (
        Call.objects.filter(city=city, published_at__isnull=False)
        .exclude(state__in=Call.EDITABLE_STATES)
        .select_related("unit", "unit__city", "domain")
        .prefetch_related(Prefetch("results", queryset=awards.order_by("rank", "pk"), to_attr="ocds_awards"))
        .order_by("published_at", "pk")
    )


def calendar_calls(*, city: City | None = None, follower=None, since=None) -> QuerySet[Call]:
    """Public calls for a calendar feed: a city's, or those `follower` follows; with `since`, only
    the calls whose opening or deadline is at or after it (the city feed's window). One query."""
    qs = Call.objects.filter(state__in=Call.PUBLIC_STATES, published_at__isnull=False)
    if city is not None:
        qs = qs.filter(city=city)
    if follower is not None:
        qs = qs.filter(follows__user=follower)
    if since is not None:
        qs = qs.filter(
            Q(closes_at__gte=since) | Q(opens_at__gte=since) | Q(opens_at__isnull=True, published_at__gte=since)
        )
    return qs.select_related("unit", "city").order_by("published_at", "pk")


def calendar_calls_fingerprint(*, city: City, since) -> list:
    """How many calls the city's feed holds and when the last of them changed. One query."""
    row = calendar_calls(city=city, since=since).order_by().aggregate(n=Count("pk"), last=Max("updated_at"))
    return [row["n"], row["last"].isoformat() if row["last"] else None]


def ocds_fingerprint(*, city: City) -> list:
    """Cheap aggregates that change when the city's OCDS package would: its calls (added or saved;
    publishing results saves the call, and awards show only once published), its agreements, its
    pilots' milestones and payments. Four queries whatever the volume; what they miss (a party
    added to a signed agreement, an organization renamed) waits for INSIGHTS_OPEN_DATA_MAX_AGE.
    Measured at national volume: counting Tehran's awards through their calls took 160 ms and the
    agreements joined with their parties 74 ms, so neither is read here."""
    calls = (
        Call.objects.filter(city=city, published_at__isnull=False)
        .order_by()
        .aggregate(n=Count("pk"), last=Max("updated_at"))
    )
    agreements = Agreement.objects.filter(city=city).order_by().aggregate(n=Count("pk"), last=Max("updated_at"))
    milestones = (
        Milestone.objects.filter(pilot__city=city)
        .order_by()
        .aggregate(
            n=Count("pk"),
            last=Max("pk"),
            decided=Max("decided_at"),
            accepted=Count("pk", filter=Q(status=Milestone.Status.ACCEPTED)),
        )
    )
    payments = (
        Payment.objects.filter(pilot__city=city)
        .order_by()
        .aggregate(n=Count("pk"), last=Max("pk"), paid=Count("paid_on"), total=Sum("paid_rial"))
    )
    values = [calls, agreements, milestones, payments]
    return [{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()} for row in values]


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def cities_with_public_calls() -> QuerySet[City]:
    return City.objects.filter(is_active=True, calls__published_at__isnull=False).distinct().order_by("slug")


def ocds_agreements(*, city: City) -> QuerySet[Agreement]:
    """Agreements of the city in the public register that belong to a call (directly or through
    their pilot), with their parties and their pilot's milestones and payments loaded. Four queries."""
    return (
        Agreement.objects.filter(city=city, status__in=Agreement.PUBLIC_STATUSES)
        .filter(Q(call__isnull=False) | Q(pilot__isnull=False))
        .select_related("pilot", "pilot__proposal")
        .prefetch_related("pilot__milestones", "pilot__payments", "parties")
        .order_by("signed_on", "pk")
    )


def figure_snapshot(*, key: str) -> FigureSnapshot | None:
    return FigureSnapshot.objects.filter(key=key).first()


def figure_snapshot_keys_to_refresh(*, used_since, limit: int) -> list[str]:
    """Stored selections computed since `used_since` (still in use), oldest first."""
    return list(
        FigureSnapshot.objects.filter(computed_at__gte=used_since)
        .order_by("computed_at")
        .values_list("key", flat=True)[:limit]
    )


def open_data_file(*, key: str) -> OpenDataFile | None:
    """A stored open-data file without its content (`open_data_content` reads that)."""
    return OpenDataFile.objects.defer("content").filter(key=key).first()


def open_data_content(*, pk: int) -> bytes:
    return bytes(OpenDataFile.objects.filter(pk=pk).values_list("content", flat=True).get())
