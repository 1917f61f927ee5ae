"""The pilots and agreements figures and the local share, computed by hand from `pilots_world`
(conftest.py lists every pilot, agreement and organization)."""

import pytest

from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.insights import local_share, selectors
from hamafza.insights.periods import Period
from hamafza.insights.selectors import Filters
from hamafza.pilots.tests.factories import AgreementPartyFactory

pytestmark = pytest.mark.django_db


def one(rows):
    assert len(rows) == 1
    return rows[0]


def test_funnel_with_pilots_and_agreements(pilots_world, city):
    rows = {r["key"]: r for r in selectors.funnel(Filters(city=city))}
    assert (rows["pilots"]["count"], rows["completed"]["count"], rows["agreements"]["count"]) == (2, 1, 3)
    assert rows["pilots"]["conversion"] == round(100 * 2 / 3, 1)  # 2 pilots of 3 awards
    assert rows["completed"]["conversion"] == 50.0
    assert rows["agreements"]["conversion"] == 300.0
    in_1404 = {r["key"]: r["count"] for r in selectors.funnel(Filters(city=city, period=Period(1404)))}
    assert (in_1404["pilots"], in_1404["completed"], in_1404["agreements"]) == (1, 0, 3)
    # A2's domain comes from its pilot's call (c3, domain A); A1's from its call (c2, domain B).
    in_a = {r["key"]: r["count"] for r in selectors.funnel(Filters(city=city, domain=pilots_world["a"]))}
    assert (in_a["pilots"], in_a["agreements"]) == (2, 1)


def test_pilot_times(pilots_world, city):
    rows = {r["key"]: r for r in selectors.times(Filters(city=city))}
    start = rows["award_to_pilot"]  # P1: 2024-07-11 -> 2024-08-01 = 21 days; P2: 2025-05-25 -> 2025-06-01 = 7
    assert (start["count"], start["median_days"], start["p75_days"]) == (2, 14.0, 17.5)
    assert start["slowest"][0]["pk"] == pilots_world["p1"].pk
    done = rows["pilot_to_completion"]  # P1: 2024-08-01 -> 2024-12-01 = 122 days
    assert (done["count"], done["median_days"], done["p75_days"]) == (1, 122.0, 122.0)


def test_local_share_of_the_city(pilots_world, city):
    row = one(local_share.local_share(Filters(city=city)))
    # Value: P1 1M + P2 2M (P3 never ran) + A1 3M + A4 1M (A2 is P2's money, A3 a draft) = 7M.
    assert (row["pilots"], row["agreements"]) == (2, 2)
    assert (row["pilots_value"], row["agreements_value"], row["total"]) == (3_000_000, 4_000_000, 7_000_000)
    # Local: L1 60 % of P1 (0.6M) + L2 half of P2 (1M, shares incomplete -> equal) + L1 half of A1 (1.5M).
    assert row["local"] == 3_100_000
    # Knowledge-based on the day: L1 and F1 on P1 (1M; F1 valid until 2025-03-01), none on P2
    # (F1 expired), L1 on A1 (1.5M).
    assert row["kb"] == 2_500_000
    assert row["both"] == 2_100_000  # L1 on P1 (0.6M) and on A1 (1.5M)
    assert (row["local_pct"], row["kb_pct"], row["both_pct"]) == (44.3, 35.7, 30.0)


def test_local_share_per_year_domain_and_nation(pilots_world, city):
    years = {r["key"]: r for r in local_share.local_share(Filters(city=city), by="year", years=[1405, 1404, 1403])}
    assert set(years) == {1403, 1404}
    assert (years[1403]["total"], years[1403]["local"], years[1403]["kb"], years[1403]["both"]) == (
        1_000_000,
        600_000,
        1_000_000,
        600_000,
    )
    assert (years[1404]["total"], years[1404]["local"], years[1404]["kb"], years[1404]["both"]) == (
        6_000_000,
        2_500_000,
        1_500_000,
        1_500_000,
    )
    a, b = pilots_world["a"].pk, pilots_world["b"].pk
    domains = {r["key"]: r for r in local_share.local_share(Filters(city=city), by="domain")}
    assert (domains[a]["total"], domains[a]["local"]) == (3_000_000, 1_600_000)
    assert (domains[b]["total"], domains[b]["local"]) == (3_000_000, 1_500_000)
    assert domains[None]["total"] == 1_000_000 and domains[None]["local"] == 0  # A4, no call
    cities = {r["key"]: r for r in local_share.local_share(Filters(), by="city")}
    karaj = cities[pilots_world["a5"].city_id]
    assert (karaj["total"], karaj["local"], karaj["kb"], karaj["both"]) == (7_000_000, 0, 7_000_000, 0)
    assert cities[city.pk]["local"] == 3_100_000
    # A period: Q1 of 1404 holds only P2 (started 2025-06-01; A2 signed that day is not counted again).
    q1 = one(local_share.local_share(Filters(city=city, period=Period(1404, 1))))
    assert (q1["total"], q1["local"], q1["kb"]) == (2_000_000, 1_000_000, 0)


def test_breakdown_with_pilots_and_values(pilots_world, city):
    values = {r["key"]: r["total"] for r in local_share.local_share(Filters(city=city), by="unit")}
    rows = {r["id"]: r for r in selectors.breakdown("unit", Filters(city=city), values=values)}
    u1, u2 = pilots_world["u1"].pk, pilots_world["u2"].pk
    assert (rows[u1]["pilots"], rows[u1]["completed"], rows[u1]["value"]) == (1, 1, 1_000_000)
    # u2: P2 (2M) and A1 via c2 (3M).
    assert (rows[u2]["pilots"], rows[u2]["completed"], rows[u2]["value"]) == (1, 0, 5_000_000)


def test_certificate_dates_matter(pilots_world, city):
    """Moving F1's certificate to cover 2025-06-01 makes its half of P2 knowledge-based."""
    import datetime

    from hamafza.directory.models import Organization

    Organization.objects.filter(name="F1").update(certificate_valid_until=datetime.date(2025, 6, 1))
    assert one(local_share.local_share(Filters(city=city)))["kb"] == 2_500_000 + 1_000_000


def test_query_count_does_not_grow(pilots_world, city, django_assert_max_num_queries):
    from hamafza.pilots.models import PilotParty

    def run():
        local_share.local_share(Filters(city=city))
        local_share.local_share(Filters(city=city), by="year", years=[1404, 1403])
        local_share.local_share(Filters(), by="city")

    with django_assert_max_num_queries(3 * 4 + 2) as before:
        run()
    PilotParty.objects.create(pilot=pilots_world["p2"], organization=pilots_world["L1"])
    for _ in range(3):
        AgreementPartyFactory(agreement=pilots_world["a1"], organization=OrganizationFactory())
    with django_assert_max_num_queries(len(before.captured_queries)):
        run()
