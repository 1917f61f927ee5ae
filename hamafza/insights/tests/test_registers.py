"""The public summary shows the first rows of each register with a capped count; its "see all" pages
walk a register by keyset in the register's order, missing and repeating no row; the query counts do
not grow with the data."""

import datetime

import pytest
from django.urls import reverse

from hamafza.challenges.models import Call, CallResult
from hamafza.challenges.tests.factories import CallResultFactory
from hamafza.core import paging
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.insights import registers
from hamafza.insights.tests.conftest import at
from hamafza.proposals.tests.factories import CallFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/insights"


def add_calls(world, city, n, *, same_day=False):
    """`n` more published calls with results (two on the same moment when `same_day`, so the walk
    must break ties by id), each with two awards of equal rank."""
    calls = []
    for i in range(n):
        moment = at(2025, 10, 1) if same_day else at(2025, 10, 1) + datetime.timedelta(hours=i)
        call = CallFactory(
            city=city,
            unit=world["u1"],
            state=Call.State.RESULTS_PUBLISHED,
            published_at=moment,
            results_published_at=moment + datetime.timedelta(days=30),
            opens_at=moment,
            closes_at=moment + datetime.timedelta(days=10),
        )
        for _j in range(2):
            CallResultFactory(
                call=call, organization=OrganizationFactory(), outcome=CallResult.Outcome.AWARDED, rank=None
            )
        calls.append(call)
    return calls


def walk(slug, city, *, size):
    seen, cursor, pages = [], None, 0
    while True:
        rows, cursor = registers.register_page(slug, city, after=cursor, size=size)
        seen += [r.pk for r in rows]
        pages += 1
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("same_day", [False, True])
def test_keyset_walk_gives_every_row_once_in_order(world, city, same_day):
    add_calls(world, city, 7, same_day=same_day)
    for slug in ("calls", "awards"):
        expected = list(registers.register_rows(slug, city).values_list("pk", flat=True))
        seen, pages = walk(slug, city, size=3)
        assert seen == expected and len(set(seen)) == len(seen)
        assert pages == -(-len(expected) // 3)


def test_register_pages_and_bad_cursors(client, world, city):
    add_calls(world, city, 5)
    url = reverse("insights:city_register", args=[city.slug, "calls"])
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.context["table"].rows) == 8  # c1, c2, c3 and five more: one page
    _rows, cursor = registers.register_page("calls", city, size=3)
    second = client.get(url, {"after": cursor})
    assert [r["title"] for r in second.context["table"].rows][:1] == [registers.register_rows("calls", city)[3].title]
    for bad in ("nope", paging.encode_cursor(["x", 1]), paging.encode_cursor([1, 2])):
        assert client.get(url, {"after": bad}).status_code == 400
    assert client.get(reverse("insights:city_register", args=[city.slug, "proposals"])).status_code == 404
    csv = client.get(url, {"export": "calls", "format": "csv"})
    assert csv.status_code == 200 and csv.content.decode("utf-8-sig").count("\n") == 9  # header + 8 calls


def test_summary_shows_the_first_rows_and_links_to_all(client, world, city, monkeypatch):
    from hamafza.insights import tables

    monkeypatch.setattr(tables, "REGISTER_PREVIEW", 2)
    monkeypatch.setattr(tables, "OPEN_CALLS_PREVIEW", 1)
    add_calls(world, city, 3)
    CallFactory(
        city=city,
        unit=world["u1"],
        state=Call.State.PUBLISHED,
        published_at=at(2025, 9, 2),
        opens_at=at(2025, 9, 2),
        closes_at=at(2099, 1, 2),
    )
    response = client.get(reverse("insights:city_summary", args=[city.slug]))
    html = response.content.decode()
    registers_ = {t.slug: t for t in response.context["registers"]}
    assert len(registers_["calls"].rows) == 2 and registers_["calls"].total == 7
    assert reverse("insights:city_register", args=[city.slug, "calls"]) in html
    assert len(response.context["open_calls"].rows) == 1 and response.context["open_calls"].total == 2
    assert reverse("insights:city_register", args=[city.slug, "open-calls"]) in html


def test_counts_stop_at_the_cap(world, city, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    add_calls(world, city, 3)
    count = registers.register_count("calls", city)
    assert not count.exact and count.shown == 4


def test_summary_and_register_query_counts_are_constant(client, world, city, django_assert_max_num_queries):
    summary = reverse("insights:city_summary", args=[city.slug])
    pages = [reverse("insights:city_register", args=[city.slug, slug]) for slug in registers.REGISTERS]
    client.get(summary)  # stores the local-share figures
    counts = {}
    for url in [summary, *pages]:
        with django_assert_max_num_queries(25) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    add_calls(world, city, 6)
    client.get(summary)
    for url in [summary, *pages]:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_api_register_pages(client, world, city):
    add_calls(world, city, 4)
    body = client.get(f"{API}/cities/{city.slug}/registers/calls").json()
    assert body["table"]["total"] == 7 and body["table"]["total_exact"] and body["next"] is None
    rows, cursor = registers.register_page("calls", city, size=50)
    assert [r["title"] for r in body["table"]["rows"]] == [r.title for r in rows]
    assert client.get(f"{API}/cities/{city.slug}/registers/calls?after=nope").status_code == 400
    assert client.get(f"{API}/cities/{city.slug}/registers/scores").status_code == 404
    summary = {t["slug"]: t for t in client.get(f"{API}/cities/{city.slug}/summary").json()}
    assert summary["calls"]["total"] == 7
