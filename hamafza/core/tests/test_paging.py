"""Capped counts (issue 19): a list's count reads at most the rows up to the requested page plus a cap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.core import paging
from hamafza.core.api.lists import ListQuery, paginate
from hamafza.core.models import City
from hamafza.core.paging import CappedPaginator, capped_count, count_limit


def test_capped_count_of_a_list():
    assert capped_count([1, 2, 3], limit=5) == paging.CappedCount(value=3, exact=True, limit=5)
    counted = capped_count(list(range(9)), limit=5)
    assert (counted.value, counted.exact, counted.shown) == (6, False, 5)


def test_count_limit_grows_with_the_page(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 10)
    assert count_limit(page=1, per_page=20) == 20
    assert count_limit(page=1, per_page=3) == 10
    assert count_limit(page=7, per_page=3) == 21


@pytest.mark.django_db
def test_capped_count_of_a_queryset_stops_at_the_limit():
    for i in range(7):
        City.objects.create(name_fa=f"شهر {i}", name_en=f"City {i}", slug=f"city-{i}", province="Tehran")
    with CaptureQueriesContext(connection) as ctx:
        counted = capped_count(City.objects.order_by("name_fa"), limit=3)
    assert (counted.shown, counted.exact) == (3, False)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "LIMIT 4" in sql and "ORDER BY" not in sql
    assert capped_count(City.objects.all(), limit=100) == paging.CappedCount(value=7, exact=True, limit=100)


@pytest.mark.django_db
def test_capped_paginator_knows_the_next_page(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    for i in range(9):
        City.objects.create(name_fa=f"شهر {i}", name_en=f"City {i}", slug=f"city-{i}", province="Tehran")
    paginator = CappedPaginator(City.objects.order_by("pk"), 2, page=1)
    assert not paginator.count_exact and paginator.count_shown == 4
    assert paginator.page(1).has_next() and paginator.page(2).has_next()
    deep = CappedPaginator(City.objects.order_by("pk"), 2, page=4)
    assert deep.page(4).has_next() and len(deep.page(4).object_list) == 2
    last = CappedPaginator(City.objects.order_by("pk"), 2, page=5)
    assert last.count_exact and last.count == 9 and not last.page(5).has_next()


@pytest.mark.django_db
def test_api_paginate_says_whether_the_count_is_exact(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    for i in range(9):
        City.objects.create(name_fa=f"شهر {i}", name_en=f"City {i}", slug=f"city-{i}", province="Tehran")
    first = paginate(City.objects.order_by("pk"), ListQuery(page=1, page_size=2))
    assert (first["count"], first["count_exact"], first["has_next"]) == (5, False, True)
    assert len(first["items"]) == 2
    last = paginate(City.objects.order_by("pk"), ListQuery(page=5, page_size=2))
    assert (last["count"], last["count_exact"], last["pages"], last["has_next"]) == (9, True, 5, False)


@pytest.mark.django_db
def test_deep_pages_read_their_ids_first(monkeypatch):
    monkeypatch.setattr(paging, "DEFERRED_JOIN_OFFSET", 2)
    for i in range(9):
        City.objects.create(name_fa=f"شهر {i}", name_en=f"City {i}", slug=f"city-{i}", province="Tehran")
    ordered = City.objects.order_by("-name_en", "pk")
    expected = [c.pk for c in ordered][4:7]
    with CaptureQueriesContext(connection) as ctx:
        rows = paging.page_rows(ordered, 4, 7)
    assert [c.pk for c in rows] == expected
    assert len(ctx.captured_queries) == 2 and "OFFSET 4" in ctx.captured_queries[0]["sql"].upper()
    paginator = CappedPaginator(ordered, 3, page=3)
    assert [c.pk for c in paginator.page(3).object_list] == [c.pk for c in ordered][6:9]
    assert [c.pk for c in paging.page_rows(ordered, 0, 2)] == [c.pk for c in ordered][:2]
