"""The English directory's order (issue 18, ADR 0025): on /en/ pages and in English API answers,
organizations with an English name come first in English order and Persian-only ones after them
(in Persian order), through a second indexed key (``sort_name_en``) kept by ``save()``; the API's
keyset cursor walks the whole list in either language and is refused in the other one."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hamafza.core import paging
from hamafza.core.tests.plans import plan_of, requires_postgres
from hamafza.core.text import collation_key
from hamafza.directory import selectors
from hamafza.directory.models import Organization
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

#: (Persian name, English name); the English page shows the English name when there is one.
ORGS = [
    ("زیست‌فناوری", "Zeta Bio"),
    ("پارس", ""),
    ("", "alpha labs"),
    ("آب", ""),
    ("بهار", "Bahar Energy"),
    ("کاوه", ""),
    ("مهر", "Mehr Systems"),
]
EN_ORDER = ["alpha labs", "Bahar Energy", "Mehr Systems", "Zeta Bio", "آب", "پارس", "کاوه"]
FA_ORDER = ["آب", "بهار", "پارس", "زیست‌فناوری", "کاوه", "مهر", "alpha labs"]


def _make(verified=True):
    for name, name_en in ORGS:
        OrganizationFactory(name=name, name_en=name_en, verified=verified)


def _names():
    return [o.display_name for o in selectors.organization_list()]


def test_english_key_puts_english_names_first_in_english_order():
    assert collation_key("alpha", first="en") < collation_key("Beta", first="en") < collation_key("آب", first="en")
    assert collation_key("آب", first="en") < collation_key("پارس", first="en")
    assert collation_key("آب") < collation_key("alpha")  # the Persian key is unchanged
    org = OrganizationFactory(name="بهار", name_en="Bahar Energy")
    assert org.sort_name_en == collation_key("Bahar Energy", first="en")
    org.name_en = ""
    org.save()
    assert org.sort_name_en == collation_key("بهار", first="en")  # kept by save()


def test_each_language_reads_its_own_order():
    _make()
    with translation.override("en"):
        assert _names() == EN_ORDER
    with translation.override("fa"):
        assert _names() == FA_ORDER


def test_english_page_lists_english_names_first(client):
    _make()
    page = client.get("/en/organizations/").content.decode()
    positions = [page.index(f"<bdi>{name}</bdi>") for name in EN_ORDER]
    assert positions == sorted(positions)
    page = client.get("/fa/organizations/").content.decode()
    positions = [page.index(f"<bdi>{name}</bdi>") for name in FA_ORDER]
    assert positions == sorted(positions)


def test_verified_come_first_in_english_too():
    OrganizationFactory(name="", name_en="Aardvark", verified=False)
    OrganizationFactory(name="", name_en="Zebra", verified=True)
    with translation.override("en"):
        assert _names() == ["Zebra", "Aardvark"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["آب", "پارس", "کاوه", "alpha labs", "Bahar Energy", "Mehr Systems", "Zeta Bio"]),
        ("fa", ["آب", "پارس", "کاوه", "بهار", "زیست‌فناوری", "مهر", "alpha labs"]),
    ],
)
def test_api_keyset_walks_the_directory_in_each_language(language, expected):
    """Verified organizations first (some of each kind), then the others; pages of two through the
    cursor give the same list as the plain order."""
    for i, (name, name_en) in enumerate(ORGS):
        OrganizationFactory(name=name, name_en=name_en, verified=i % 2 == 1)
    with translation.override(language):
        plain = [o.display_name for o in selectors.organization_list()]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    body = client.get("/api/v1/organizations?page_size=2").json()
    slugs = [o["slug"] for o in body["items"]]
    while body["next_after"]:
        response = client.get(f"/api/v1/organizations?page_size=2&after={body['next_after']}")
        assert response.status_code == 200, response.content
        body = response.json()
        slugs += [o["slug"] for o in body["items"]]
    by_slug = {o.slug: o for o in Organization.objects.all()}
    with translation.override(language):
        walked = [by_slug[s].display_name for s in slugs]
    assert walked == plain == expected


def test_api_cursor_of_one_language_is_refused_in_the_other():
    _make()
    fa = Client(HTTP_ACCEPT_LANGUAGE="fa").get("/api/v1/organizations?page_size=2").json()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/organizations?page_size=2&after={fa['next_after']}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "query.after"
    old_style = paging.encode_cursor([True, "a", 1])  # a cursor from before the key was named
    assert Client().get(f"/api/v1/organizations?after={old_style}").status_code == 400


def test_english_keyset_query_count_does_not_grow():
    _make()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = client.get("/api/v1/organizations?page_size=2").json()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/organizations?page_size=2&after={first['next_after']}").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        OrganizationFactory(name_en=f"More {i}", verified=True)
    assert count() == before


@requires_postgres
def test_english_directory_plans_use_their_index():
    OrganizationFactory(name="بازیافت پسماند", name_en="Waste recycling")
    with translation.override("en"):
        page = selectors.organization_list()[:24]
        assert "organization_order_en" in plan_of(page)
    keyset = (
        selectors.organization_list()
        .filter(verified=True, sort_name_en__gte="a1")
        .exclude(sort_name_en="a1", pk__lte=5)
        .order_by("sort_name_en", "pk")[:25]
    )
    assert "organization_order_en" in plan_of(keyset)
