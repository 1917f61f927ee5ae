"""The public directory: filters, spelling-tolerant search, bad parameters and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hamafza.core.tests.factories import CapabilityFactory, DomainFactory
from hamafza.directory import selectors
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/fa/organizations/"


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content.decode()[:500]
    return {org.slug for org in response.context["organizations"]}


@pytest.fixture
def waste_sorting():
    domain = DomainFactory(code="waste", name_fa="پسماند", name_en="Waste")
    return CapabilityFactory(
        domain=domain,
        code="waste.sorting",
        name_fa="تفکیک پسماند",
        name_en="Waste sorting",
        synonyms_fa=["بازیافت"],
        synonyms_en=["recycling"],
    )


@pytest.fixture
def traffic_sensing():
    domain = DomainFactory(code="transport", name_fa="حمل و نقل", name_en="Transport")
    return CapabilityFactory(domain=domain, code="transport.sensing", name_fa="پایش ترافیک", name_en="Traffic sensing")


@pytest.fixture
def directory(waste_sorting, traffic_sensing):
    """A small directory with one organization per interesting trait."""
    return {
        "kb_tehran": OrganizationFactory(
            slug="kb-tehran",
            name="فناوران پاک",
            name_en="Clean Tech",
            kind=OrganizationKind.KNOWLEDGE_BASED,
            province="Tehran",
            city_name="تهران",
            knowledge_based=True,
            certificate_number="1402-55",
            description_fa="شرکت‌های دانش‌بنیان با این فناوری هزینه را کم می‌کنند و پسماند کمتر می‌شود.",
            description_en="",
            capabilities=[waste_sorting],
        ),
        "startup_qom": OrganizationFactory(
            slug="startup-qom",
            name="راه‌یاب",
            name_en="Rahyab",
            kind=OrganizationKind.STARTUP,
            province="Qom",
            city_name="قم",
            description_fa="",
            description_en="Sensors for intersections and smart signals, founded 1399.",
            capabilities=[traffic_sensing],
        ),
        "uni_alborz": OrganizationFactory(
            slug="uni-alborz",
            name="دانشگاه البرز",
            name_en="Alborz University",
            kind=OrganizationKind.UNIVERSITY,
            province="Alborz",
            city_name="کرج",
            description_fa="پژوهش در حوزه انرژی و محیط زیست در سال ۱۳۹۸",
            description_en="",
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"kb-tehran", "startup-qom", "uni-alborz"}),
        ({"kind": "startup"}, {"startup-qom"}),
        ({"kind": "university"}, {"uni-alborz"}),
        ({"province": "Tehran"}, {"kb-tehran"}),
        ({"province": "Alborz"}, {"uni-alborz"}),
        ({"city": "قم"}, {"startup-qom"}),
        ({"city": "كرج"}, set()),  # the city filter is an exact name, not a search
        ({"capability": "waste.sorting"}, {"kb-tehran"}),
        ({"capability": "transport.sensing"}, {"startup-qom"}),
        ({"knowledge_based": "yes"}, {"kb-tehran"}),
        ({"knowledge_based": "no"}, {"startup-qom", "uni-alborz"}),
        ({"kind": "startup", "province": "Tehran"}, set()),
        ({"province": "Qom", "capability": "transport.sensing", "knowledge_based": "no"}, {"startup-qom"}),
    ],
)
def test_filters(client, directory, params, expected):
    assert slugs(client.get(LIST_URL, params)) == expected


def test_city_filter_accepts_a_platform_city_slug(client, directory, city):
    directory["startup_qom"].city = city
    directory["startup_qom"].save()
    assert slugs(client.get(LIST_URL, {"city": city.slug})) == {"startup-qom"}


@pytest.mark.parametrize(
    "q",
    [
        "شرکت‌های دانش‌بنیان",  # as written
        "شركتهاي دانشبنيان",  # Arabic ي/ك and the half-spaces lost
        "شرکتهای دانشبنیان",  # half-spaces lost
        "مي‌شود",  # Arabic yeh, half-space kept
        "ميشود",  # Arabic yeh, half-space lost
        "می\u200c\u200cشود",  # a doubled half-space
        "دانش‌بنیان می‌شود",  # words far apart in the text
        "فناوران",
        "CLEAN tech",  # English name, any case
    ],
)
def test_search_tolerates_persian_spelling_variants(client, directory, q):
    assert slugs(client.get(LIST_URL, {"q": q})) == {"kb-tehran"}


@pytest.mark.parametrize("q", ["1399", "۱۳۹۹", "١٣٩٩"])
def test_search_finds_digits_in_any_script(client, directory, q):
    assert slugs(client.get(LIST_URL, {"q": q})) == {"startup-qom"}


@pytest.mark.parametrize("q", ["1398", "۱۳۹۸", "١٣٩٨"])
def test_search_finds_persian_digits_in_the_text(client, directory, q):
    assert slugs(client.get(LIST_URL, {"q": q})) == {"uni-alborz"}


def test_search_finds_text_stored_without_half_spaces_when_typed_with_them(client, waste_sorting):
    OrganizationFactory(slug="plain", description_fa="این سامانه بهتر میشود", description_en="")
    OrganizationFactory(slug="other", description_fa="سامانه دیگر", description_en="")
    assert slugs(client.get(LIST_URL, {"q": "می‌شود"})) == {"plain"}
    assert slugs(client.get(LIST_URL, {"q": "مي‌شود"})) == {"plain"}


@pytest.mark.parametrize("q", ["تفکیک پسماند", "تفكيك", "waste sorting", "Recycling", "بازیافت"])
def test_search_matches_capability_names_and_synonyms(client, directory, q):
    # kb-tehran's own text does not mention sorting or recycling; its capability does.
    assert slugs(client.get(LIST_URL, {"q": q})) == {"kb-tehran"}


def test_search_combines_with_filters(client, directory):
    assert slugs(client.get(LIST_URL, {"q": "sensors", "province": "Qom"})) == {"startup-qom"}
    assert slugs(client.get(LIST_URL, {"q": "sensors", "province": "Tehran"})) == set()


def test_empty_search_lists_everything(client, directory):
    assert slugs(client.get(LIST_URL, {"q": "   "})) == {"kb-tehran", "startup-qom", "uni-alborz"}


def test_result_count_uses_persian_digits(client, directory):
    html = client.get(LIST_URL).content.decode()
    assert "۳" in html
    html_en = client.get("/en/organizations/").content.decode()
    assert "3 organizations" in html_en


def test_home_search_box_leads_to_the_directory(client, directory):
    html = client.get("/fa/").content.decode()
    assert 'action="/fa/organizations/"' in html
    assert 'name="q"' in html


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 400),
        ({"page": "0"}, 400),
        ({"page": "-3"}, 400),
        ({"page": "999999"}, 400),
        ({"page": "500"}, 404),
        ({"kind": "zzz"}, 400),
        ({"province": "Atlantis"}, 400),
        ({"capability": "no.such.capability"}, 400),
        ({"knowledge_based": "maybe"}, 400),
        ({"q": "پ" * 10_000}, 400),
        ({"city": "x" * 500}, 400),
    ],
)
def test_bad_parameters_give_a_page_not_a_500(client, directory, params, status):
    response = client.get(LIST_URL, params)
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    if status == 400:
        # the filter form is shown again with the error next to it
        assert 'class="alert alert-danger"' in html
        assert 'role="search"' in html
    else:
        assert "404.html" in [t.name for t in response.templates]


def test_pagination(client, waste_sorting):
    OrganizationFactory.create_batch(30, capabilities=[waste_sorting])
    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": "2"})
    assert len(first.context["organizations"]) == 24
    assert len(second.context["organizations"]) == 6
    assert slugs(first).isdisjoint(slugs(second))
    assert "page=2" in first.content.decode()


def _list_queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST_URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "نمونه"}, {"capability": "waste.sorting"}, {"kind": "startup"}])
def test_list_query_count_does_not_grow_with_organizations(client, waste_sorting, traffic_sensing, params):
    OrganizationFactory.create_batch(5, capabilities=[waste_sorting, traffic_sensing])
    few = _list_queries(client, params)
    OrganizationFactory.create_batch(25, capabilities=[waste_sorting, traffic_sensing])
    many = _list_queries(client, params)
    assert many == few
    assert few <= 5  # capabilities for the filter, count, page, prefetched capabilities


def test_detail_query_count_does_not_grow_with_capabilities(client, django_assert_max_num_queries):
    domain = DomainFactory()
    small = OrganizationFactory(capabilities=CapabilityFactory.create_batch(2, domain=domain))
    large = OrganizationFactory(capabilities=CapabilityFactory.create_batch(20, domain=domain))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("directory:organization_detail", args=[small.slug])).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(reverse("directory:organization_detail", args=[large.slug])).status_code == 200


Z = "\u200c"


@pytest.fixture
def word_forms():
    return {
        "smart": OrganizationFactory(slug="smart", description_fa="روشنایی هوشمند معابر", description_en=""),
        "data": OrganizationFactory(slug="data", description_fa="تحلیل داده برای مدیریت ترافیک", description_en=""),
        "other": OrganizationFactory(slug="other", description_fa="تعمیر آسانسور", description_en=""),
    }


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("هوشمند" + Z + "سازی", {"smart"}),  # the standard spelling, with a half-space
        ("هوشمندسازی", {"smart"}),  # half-space lost
        ("هوشمند سازی", {"smart"}),  # half-space typed as a space
        ("داده" + Z + "ها", {"data"}),
        ("دادهها", {"data"}),
        ("داده ها", {"data"}),
        ("داده" + Z + "های ترافیک", {"data"}),
        ("هوشمند", {"smart"}),
    ],
)
def test_search_finds_the_stem_of_suffixed_persian_words(client, word_forms, q, expected):
    assert slugs(client.get(LIST_URL, {"q": q})) == expected


@pytest.mark.django_db
def test_persian_directory_sorts_in_persian_order_with_persian_names_first(client):
    """Issue 18: Unicode puts پ چ ژ گ ک ی after the Arabic letters and Latin before all of them; the
    directory (an indexed key kept by save, ADR 0023) reads in Persian dictionary order instead,
    names with no Persian letter after the Persian ones, and the database does the ordering."""
    names = ["یاس", "Alpha Labs", "گلستان", "کاوه", "ژاله", "چمن", "پارس", "بهار", "ابر", "آب"]
    for name in names:
        OrganizationFactory(name=name, name_en="", verified=True)
    expected = ["آب", "ابر", "بهار", "پارس", "چمن", "ژاله", "کاوه", "گلستان", "یاس", "Alpha Labs"]
    assert [o.name for o in selectors.organization_list()] == expected
    page = client.get("/fa/organizations/").content.decode()
    positions = [page.index(f"<bdi>{name}</bdi>") for name in expected]
    assert positions == sorted(positions)


def test_collation_key_is_ascii_and_ignores_spelling_variants():
    from hamafza.core.text import collation_key

    assert collation_key("كاوه") == collation_key("کاوه")  # Arabic kaf
    assert collation_key("سامانه‌های نو") == collation_key("سامانههای نو")  # a lost half-space
    assert collation_key("آب") < collation_key("ب") < collation_key("Zeta")
    assert collation_key("گل").isascii()
