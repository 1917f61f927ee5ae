"""Each figure computed by hand from the fixture in conftest.py, and the query counts."""

import datetime

import pytest

from hamafza.insights import selectors
from hamafza.insights.durations import percentile
from hamafza.insights.periods import TEHRAN, Period
from hamafza.insights.selectors import Filters

pytestmark = pytest.mark.django_db


def counts(rows):
    """The counts of the first four stages (the fixture has no pilots or agreements)."""
    return {r["key"]: r["count"] for r in rows[:4]}


def test_jalali_periods():
    assert Period(1404).start == datetime.datetime(2025, 3, 21, tzinfo=TEHRAN)
    assert Period(1404).end == datetime.datetime(2026, 3, 21, tzinfo=TEHRAN)
    assert Period(1404, 1).end == datetime.datetime(2025, 6, 22, tzinfo=TEHRAN)  # 1 Tir 1404
    assert Period(1404, 2).start == Period(1404, 1).end
    assert Period(1404, 4).end == Period(1405).start


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([4.0], 0.75) == 4.0
    assert percentile([4.0, 10.0], 0.5) == 7.0
    assert percentile([4.0, 10.0], 0.75) == 8.5
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.75) == 4.0


def test_funnel_all_years(world, city):
    rows = selectors.funnel(Filters(city=city))
    assert counts(rows) == {"needs": 3, "calls": 3, "proposals": 6, "awards": 3}
    assert [r["conversion"] for r in rows] == [None, 100.0, 200.0, 50.0, 0.0, None, None]
    assert [r["count"] for r in rows[4:]] == [0, 0, 0]


def test_funnel_year_and_quarter(world, city):
    assert counts(selectors.funnel(Filters(city=city, period=Period(1404)))) == {
        "needs": 2,
        "calls": 2,
        "proposals": 3,
        "awards": 1,
    }
    assert counts(selectors.funnel(Filters(city=city, period=Period(1404, 1)))) == {
        "needs": 1,
        "calls": 1,
        "proposals": 1,
        "awards": 1,
    }
    assert counts(selectors.funnel(Filters(city=city, period=Period(1403)))) == {
        "needs": 1,
        "calls": 1,
        "proposals": 3,
        "awards": 2,
    }


def test_funnel_domain_unit_and_nation(world, city):
    assert counts(selectors.funnel(Filters(city=city, domain=world["a"]))) == {
        "needs": 2,
        "calls": 2,
        "proposals": 4,
        "awards": 3,
    }
    assert counts(selectors.funnel(Filters(city=city, unit=world["u2"]))) == {
        "needs": 2,
        "calls": 2,
        "proposals": 3,
        "awards": 1,
    }
    # Nationally Karaj adds a need, a call and a proposal.
    assert counts(selectors.funnel(Filters())) == {"needs": 4, "calls": 4, "proposals": 7, "awards": 3}


def test_times(world, city):
    rows = {r["key"]: r for r in selectors.times(Filters(city=city))}
    need = rows["need_to_call"]
    assert (need["count"], need["median_days"], need["p75_days"]) == (2, 7.0, 8.5)  # 10 and 4 days
    assert [(s["label"], s["days"]) for s in need["slowest"]] == [("Call one", 10.0), ("Call three", 4.0)]
    award = rows["call_to_award"]
    assert (award["count"], award["median_days"], award["p75_days"]) == (2, 25.0, 27.5)  # 30 and 20 days
    assert award["slowest"][0]["pk"] == world["c1"].pk
    # In Jalali 1404 only call three ended each step.
    rows = {r["key"]: r for r in selectors.times(Filters(city=city, period=Period(1404)))}
    assert (rows["need_to_call"]["count"], rows["need_to_call"]["median_days"]) == (1, 4.0)
    assert (rows["call_to_award"]["count"], rows["call_to_award"]["p75_days"]) == (1, 20.0)


def test_breakdowns(world, city):
    a, b = world["a"].pk, world["b"].pk
    by_domain = {r["id"]: r for r in selectors.breakdown("domain", Filters(city=city))}
    assert by_domain[a] == {
        "id": a,
        "name": "حوزه الف",
        "calls": 2,
        "proposals": 4,
        "proposals_per_call": 2.0,
        "awards": 3,
        "pilots": 0,
        "completed": 0,
        "value": 0,
    }
    assert (by_domain[b]["calls"], by_domain[b]["proposals"], by_domain[b]["awards"]) == (
        1,
        2,
        0,
    )
    u1, u2 = world["u1"].pk, world["u2"].pk
    by_unit = {r["id"]: r for r in selectors.breakdown("unit", Filters(city=city))}
    assert (by_unit[u1]["calls"], by_unit[u1]["proposals"], by_unit[u1]["awards"]) == (1, 3, 2)
    assert (by_unit[u2]["calls"], by_unit[u2]["proposals_per_call"], by_unit[u2]["awards"]) == (
        2,
        1.5,
        1,
    )
    by_city = {r["id"]: r for r in selectors.breakdown("city", Filters())}
    assert by_city[city.pk]["calls"] == 3
    assert by_city[world["c5"].city_id]["proposals"] == 1


def test_public_registers(world, city):
    assert [c.title for c in selectors.open_calls(city=city)] == ["Call two"]
    assert {c.title: c.n_awards for c in selectors.public_calls(city=city)} == {
        "Call one": 2,
        "Call two": 0,
        "Call three": 1,
    }
    assert sorted(r.organization.name for r in selectors.public_awards(city=city)) == [
        "Applicant 0",
        "Applicant 0",
        "Applicant 1",
    ]


def test_query_counts_do_not_grow(world, city, django_assert_max_num_queries):
    from hamafza.insights.tests.conftest import at
    from hamafza.proposals.tests.factories import CallFactory, ProposalFactory

    def run():
        filters = Filters(city=city, period=Period(1404))
        selectors.funnel(filters)
        selectors.times(filters)
        for by in ("domain", "unit"):
            selectors.breakdown(by, filters)

    with django_assert_max_num_queries(7 + 8 + 2 * 6) as before:
        run()
    for i in range(5):
        call = CallFactory(city=city, unit=world["u1"], domain=world["b"], published_at=at(2025, 10, 1 + i))
        ProposalFactory(call=call, submitted_at=at(2025, 10, 2 + i))
    with django_assert_max_num_queries(len(before.captured_queries)):
        run()
