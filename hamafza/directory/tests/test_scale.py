"""Issue 19 (national scale): the directory's order is an index, its search a union of index
lookups, its deep pages a keyset, its count capped; the query count does not grow with rows."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.core import hooks, paging
from hamafza.core.tests.factories import CapabilityFactory
from hamafza.core.tests.plans import plan_of, requires_postgres
from hamafza.directory import selectors
from hamafza.directory.models import Organization
from hamafza.directory.tests.factories import OrganizationFactory


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.django_db
def test_directory_and_search_queries_do_not_grow():
    cap = CapabilityFactory(name_fa="بازیافت پسماند", name_en="Waste recycling")
    for i in range(3):
        OrganizationFactory(name=f"بازیافت {i}").capabilities.add(cap)
    client = Client()
    urls = [reverse("directory:organization_list"), reverse("directory:organization_list") + "?q=بازیافت"]
    urls += ["/api/v1/organizations", "/api/v1/organizations?q=بازیافت"]
    before = [_queries(client, url)[0] for url in urls]
    for i in range(30):
        OrganizationFactory(name=f"بازیافت بیشتر {i}", verified=i % 2 == 0).capabilities.add(cap)
    assert [_queries(client, url)[0] for url in urls] == before


@pytest.mark.django_db
def test_search_finds_by_text_or_capability_for_every_word():
    cap = CapabilityFactory(name_fa="کمپوست", name_en="Composting")
    word = "composting"
    by_cap = OrganizationFactory(name="Nothing in the name", name_en="")
    by_cap.capabilities.add(cap)
    by_text = OrganizationFactory(name=f"شرکت {word}")
    OrganizationFactory(name="Other")
    found = set(selectors.organization_list(q=word).values_list("pk", flat=True))
    assert {by_cap.pk, by_text.pk} <= found
    assert not found & set(Organization.objects.filter(name="Other").values_list("pk", flat=True))
    both = set(selectors.organization_list(q=f"{word} شرکت").values_list("pk", flat=True))
    assert by_text.pk in both and by_cap.pk not in both


@pytest.mark.django_db
def test_ranked_search_pages_without_a_case(monkeypatch):
    orgs = [OrganizationFactory(name=f"Recycling {i}", verified=False) for i in range(5)]
    ranked = [orgs[3].pk, orgs[1].pk, 10**9]  # an id the filters do not pass is skipped
    monkeypatch.setattr(hooks.organization_search_ranking, "first", lambda q: ranked)
    results = selectors.organization_list(q="recycling")
    everything = [o.pk for o in results[0:None]]
    assert everything[:2] == [orgs[3].pk, orgs[1].pk]
    assert sorted(everything[2:]) == sorted(o.pk for o in (orgs[0], orgs[2], orgs[4]))
    assert [o.pk for o in results[1:3]] == everything[1:3]
    assert results.count() == 5 and paging.capped_count(results, limit=3).exact is False
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.organization_list(q="recycling")[0:4])
    assert not any("CASE" in q["sql"].upper() for q in ctx.captured_queries)


@pytest.mark.django_db
def test_api_keyset_walks_the_whole_directory_in_order():
    for i in range(7):
        OrganizationFactory(name=f"سازمان {i % 3}", verified=i % 3 == 0)
    client = Client()
    expected = [o.slug for o in Organization.objects.order_by("-verified", "name", "pk")]
    seen, body = [], client.get("/api/v1/organizations?page_size=2").json()
    seen += [o["slug"] for o in body["items"]]
    while body["next_after"]:
        response = client.get(f"/api/v1/organizations?page_size=2&after={body['next_after']}")
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [o["slug"] for o in body["items"]]
    assert seen == expected
    assert body["has_next"] is False


@pytest.mark.django_db
def test_api_keyset_refuses_bad_combinations():
    OrganizationFactory()
    client = Client()
    cursor = paging.encode_cursor([True, "a", 1])
    for query in ("after=bm9wZQ", f"after={cursor}&q=x", f"after={cursor}&ordering=name", f"after={cursor}&page=2"):
        response = client.get(f"/api/v1/organizations?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"]


@requires_postgres
@pytest.mark.django_db
def test_directory_plans_use_their_indexes():
    OrganizationFactory(name="بازیافت پسماند")
    page = selectors.organization_list()[:24]
    assert "organization_directory_order" in plan_of(page)
    # a keyset page (what organizations_after asks): a range scan of the same index
    keyset = (
        selectors.organization_list().filter(verified=True, sort_name__gte="a1").exclude(sort_name="a1", pk__lte=5)
    ).order_by("sort_name", "pk")[:25]
    assert "organization_directory_order" in plan_of(keyset)
    # the search's LIKE '%word%' is answered by the trigram index (the table is tiny, so plain index
    # scans are switched off too: the planner would otherwise read the 1-row table through the pkey)
    words = Organization.objects.filter(search_text__contains="بازیافت").values("pk")
    assert "organization_search_trgm" in plan_of(words, enable_indexscan="off")
    search = selectors.organization_list(q="بازیافت")
    assert "SubPlan" not in plan_of(search[:24], enable_indexscan="off")


@requires_postgres
@pytest.mark.django_db
def test_admin_change_lists_read_an_index_in_their_order():
    """The admin's change lists of the national tables sort by an index (the model's "name" plus
    the admin's "-pk" sorted every organization), and count their rows once."""
    from django.contrib import admin

    from hamafza.challenges.models import Call

    OrganizationFactory()
    for model, index in ((Organization, "organization_directory_order"), (Call, "call_closes")):
        model_admin = admin.site._registry[model]
        assert model_admin.show_full_result_count is False
        page = model.objects.order_by(*model_admin.ordering)[:100]
        assert index in plan_of(page, enable_sort="off"), model
