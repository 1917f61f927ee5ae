"""The local share: how much of the value of pilots and agreements went to local and to
knowledge-based organizations. The definition (also on the dashboards and in docs/insights.md):

* **Value** is the approved budget of each pilot that has started (it has run), plus the value of
  each agreement in the public register (signed, active, completed or terminated). A pilot
  contract linked to a pilot is the same money as the pilot: it is not counted again.
* A pilot's value is split among its parties by their recorded shares (normalised to their sum)
  when every party has one, otherwise equally; an agreement's value is split equally among its
  parties that are organizations of the directory. Value with no organization to go to (a pilot
  without parties, an agreement only between public bodies) counts in the total and in no share.
* A party's part is **local** when the organization's province is the city's province, and
  **knowledge-based** when the organization held a knowledge-based certificate valid on the day the
  pilot started (first ran, Tehran time) or the agreement was signed (a certificate without dates
  counts as valid, as ``Organization.has_valid_certificate`` says); **both** when both hold.
* A pilot is in a period by the day it started, an agreement by the day it was signed; its city,
  domain and unit are those of its call (an agreement without a call: its pilot's call).

Everything is summed in the database: four queries per table, whatever the number of rows.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils.translation import pgettext_lazy

from hamafza.core.models import City, Domain, Unit
from hamafza.insights.periods import TEHRAN, Period, jalali_number
from hamafza.insights.selectors import Filters, stage_queryset
from hamafza.pilots.models import Agreement, AgreementParty, Pilot, PilotParty

# Group keys: on the pilot / on the agreement (annotated by stage_queryset: call_domain, call_unit).
_PILOT_KEY = {"city": "city_id", "domain": "call__domain_id", "unit": "call__unit_id"}
_AGREEMENT_KEY = {"city": "city_id", "domain": "call_domain", "unit": "call_unit"}


def counted_pilots(filters: Filters) -> QuerySet[Pilot]:
    return stage_queryset("pilots", filters)


def counted_agreements(filters: Filters) -> QuerySet[Agreement]:
    """Agreements counted: the register, less pilot contracts linked to a pilot (counted with it)."""
    return stage_queryset("agreements", filters).exclude(kind=Agreement.Kind.PILOT_CONTRACT, pilot__isnull=False)


def _year_case(field: str, years: list[int], *, is_date: bool) -> Case:
    whens = []
    for year in years:
        period = Period(year)
        lo, hi = (period.start.date(), period.end.date()) if is_date else (period.start, period.end)
        whens.append(When(**{f"{field}__gte": lo, f"{field}__lt": hi}, then=Value(year)))
    return Case(*whens, default=None, output_field=IntegerField())


def _count_of(model, parent: str, **condition) -> Coalesce:
    """How many rows of `model` share this row's `parent` and meet `condition` (0, not NULL, when none)."""
    qs = model.objects.filter(**{parent: OuterRef(parent)}, **condition).order_by().values(parent)
    return Coalesce(Subquery(qs.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def _kb_valid(day: str) -> Q:
    o = "organization__"
    return (
        Q(**{f"{o}knowledge_based": True})
        & (Q(**{f"{o}certificate_valid_from__isnull": True}) | Q(**{f"{o}certificate_valid_from__lte": F(day)}))
        & (Q(**{f"{o}certificate_valid_until__isnull": True}) | Q(**{f"{o}certificate_valid_until__gte": F(day)}))
    )


def _shares(parties: QuerySet, *, group: str | None, value: str, day: str, province: str) -> dict:
    """{group key: (local, kb, both)} summed over party rows annotated with `value` and `day`."""
    local = Q(organization__province=F(province))
    kb = _kb_valid(day)
    sums = {
        "local": Sum(value, filter=local, default=0.0),
        "kb": Sum(value, filter=kb, default=0.0),
        "both": Sum(value, filter=local & kb, default=0.0),
    }
    if group is None:
        row = parties.aggregate(**sums)
        return {None: (row["local"], row["kb"], row["both"])}
    rows = parties.order_by().values(group).annotate(**sums).values_list(group, "local", "kb", "both")
    return {k: (lo, kb_, both) for k, lo, kb_, both in rows}


def _pilot_figures(filters: Filters, *, by: str | None, years: list[int]) -> tuple[dict, dict]:
    pilots = counted_pilots(filters)
    if by == "year":
        pilots = pilots.annotate(g=_year_case("running_since", years, is_date=False))
    elif by is not None:
        pilots = pilots.annotate(g=F(_PILOT_KEY[by]))
    budget = Coalesce("approved_budget_rial", 0)
    if by is None:
        row = pilots.aggregate(value=Sum(budget, default=0), n=Count("pk"))
        totals = {None: (row["value"], row["n"])}
    else:
        rows = pilots.order_by().values("g").annotate(value=Sum(budget, default=0), n=Count("pk"))
        totals = {r["g"]: (r["value"], r["n"]) for r in rows}
    parties = PilotParty.objects.filter(pilot__in=pilots.values("pk")).annotate(
        n=_count_of(PilotParty, "pilot_id"),
        n_missing=_count_of(PilotParty, "pilot_id", share_percent__isnull=True),
        share_sum=Subquery(
            PilotParty.objects.filter(pilot_id=OuterRef("pilot_id"))
            .order_by()
            .values("pilot_id")
            .annotate(s=Sum("share_percent"))
            .values("s")[:1]
        ),
        day=TruncDate("pilot__running_since", tzinfo=TEHRAN),
        budget=Cast(Coalesce("pilot__approved_budget_rial", 0), FloatField()),
    )
    parties = parties.annotate(
        part=Case(
            When(
                Q(n_missing=0) & Q(share_sum__gt=0),
                then=ExpressionWrapper(
                    F("budget") * Cast("share_percent", FloatField()) / Cast("share_sum", FloatField()),
                    output_field=FloatField(),
                ),
            ),
            default=ExpressionWrapper(F("budget") / Cast("n", FloatField()), output_field=FloatField()),
            output_field=FloatField(),
        )
    )
    group = None
    if by == "year":
        parties = parties.annotate(g=_year_case("pilot__running_since", years, is_date=False))
        group = "g"
    elif by is not None:
        parties = parties.annotate(g=F(f"pilot__{_PILOT_KEY[by]}"))
        group = "g"
    shares = _shares(parties, group=group, value="part", day="day", province="pilot__city__province")
    return totals, shares


def _agreement_figures(filters: Filters, *, by: str | None, years: list[int]) -> tuple[dict, dict]:
    agreements = counted_agreements(filters)
    if by == "year":
        agreements = agreements.annotate(g=_year_case("signed_on", years, is_date=True))
    elif by is not None:
        agreements = agreements.annotate(g=F(_AGREEMENT_KEY[by]))
    value = Coalesce("value_rial", 0)
    if by is None:
        row = agreements.aggregate(value=Sum(value, default=0), n=Count("pk"))
        totals = {None: (row["value"], row["n"])}
    else:
        rows = agreements.order_by().values("g").annotate(value=Sum(value, default=0), n=Count("pk"))
        totals = {r["g"]: (r["value"], r["n"]) for r in rows}
    parties = (
        AgreementParty.objects.filter(agreement__in=agreements.values("pk"), organization__isnull=False)
        .annotate(
            n=_count_of(AgreementParty, "agreement_id", organization__isnull=False),
            day=F("agreement__signed_on"),
        )
        .annotate(
            part=ExpressionWrapper(
                Cast(Coalesce("agreement__value_rial", 0), FloatField()) / Cast("n", FloatField()),
                output_field=FloatField(),
            )
        )
    )
    group = None
    if by == "year":
        parties = parties.annotate(g=_year_case("agreement__signed_on", years, is_date=True))
        group = "g"
    elif by == "city":
        parties = parties.annotate(g=F("agreement__city_id"))
        group = "g"
    elif by is not None:
        field = "domain_id" if by == "domain" else "unit_id"
        parties = parties.annotate(g=Coalesce(f"agreement__call__{field}", f"agreement__pilot__call__{field}"))
        group = "g"
    shares = _shares(parties, group=group, value="part", day="day", province="agreement__city__province")
    return totals, shares


def _pct(part: float, total: float) -> float | None:
    return round(100.0 * part / total, 1) if total else None


def local_share(filters: Filters, *, by: str | None = None, years: list[int] | None = None) -> list[dict]:
    """Rows of the local share: one (key None) without `by`, else one per city, domain, unit or
    Jalali year (`years` lists the years to tell apart; older items fall under key None).
    Each row: value of pilots and of agreements, total, the local / knowledge-based / both parts
    in Rial and in percent of the total. Eight queries (plus one for names)."""
    years = years or []
    p_totals, p_shares = _pilot_figures(filters, by=by, years=years)
    a_totals, a_shares = _agreement_figures(filters, by=by, years=years)
    keys = set(p_totals) | set(a_totals) | set(p_shares) | set(a_shares)
    names = _names(by, keys)
    rows = []
    for k in keys:
        pilots_value, n_pilots = p_totals.get(k, (0, 0))
        agreements_value, n_agreements = a_totals.get(k, (0, 0))
        total = (pilots_value or 0) + (agreements_value or 0)
        parts = [a + b for a, b in zip(p_shares.get(k, (0, 0, 0)), a_shares.get(k, (0, 0, 0)), strict=True)]
        local, kb, both = (round(v) for v in parts)
        rows.append(
            {
                "key": k,
                "name": names.get(k, ""),
                "pilots": n_pilots,
                "agreements": n_agreements,
                "pilots_value": pilots_value or 0,
                "agreements_value": agreements_value or 0,
                "total": total,
                "local": local,
                "kb": kb,
                "both": both,
                "local_pct": _pct(local, total),
                "kb_pct": _pct(kb, total),
                "both_pct": _pct(both, total),
            }
        )
    if by == "year":
        rows.sort(key=lambda r: -1 if r["key"] is None else r["key"])
    else:
        rows.sort(key=lambda r: (-r["total"], r["name"]))
    return rows


def _names(by: str | None, keys) -> dict:
    ids = [k for k in keys if k is not None]
    if by == "city":
        return {c.pk: c.name for c in City.objects.filter(pk__in=ids)}
    if by == "domain":
        return {
            None: str(pgettext_lazy("text", "No domain")),
            **{d.pk: d.name for d in Domain.objects.filter(pk__in=ids)},
        }
    if by == "unit":
        return {u.pk: u.name for u in Unit.objects.filter(pk__in=ids)}
    if by == "year":
        return {None: str(pgettext_lazy("text", "Earlier")), **{y: jalali_number(y) for y in ids}}
    return {}
