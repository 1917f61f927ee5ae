"""API v1 foundation: problem details, language, strict parameters, lists, cities and taxonomy,
the vendored docs page."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory
from hamafza.core.tests.factories import CapabilityFactory, CityFactory, DomainFactory, UnitFactory

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance"}


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "about:blank"
    assert "Traceback" not in response.content.decode()
    return body


def test_city_list_is_public_paginated_and_ordered(client, city, other_city):
    CityFactory(slug="tabriz", name_fa="تبریز", name_en="Tabriz", province="East Azerbaijan")
    CityFactory(slug="gone", name_en="Gone", is_active=False)

    response = client.get("/api/v1/cities", {"ordering": "-name_en", "page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3  # the inactive city is not listed
    assert body["pages"] == 2
    assert [c["slug"] for c in body["items"]] == ["tabriz", "qom"]
    second = client.get("/api/v1/cities", {"ordering": "-name_en", "page_size": 2, "page": 2}).json()
    assert [c["slug"] for c in second["items"]] == ["karaj"]


def test_city_list_filters_by_province(client, city, other_city):
    body = client.get("/api/v1/cities", {"province": "Alborz"}).json()
    assert [c["slug"] for c in body["items"]] == ["karaj"]


def test_city_detail_lists_its_units_only(client, city, other_city):
    UnitFactory(city=city, slug="waste", name_fa="پسماند")
    UnitFactory(city=other_city, slug="traffic")

    body = client.get("/api/v1/cities/qom").json()

    assert body["slug"] == "qom" and body["province"] == "Qom"
    assert [u["slug"] for u in body["units"]] == ["waste"]
    units = client.get("/api/v1/cities/karaj/units", {"kind": "waste"}).json()
    assert [u["slug"] for u in units["items"]] == ["traffic"]


def test_unknown_city_is_a_404_problem(client, city):
    body = assert_problem(client.get("/api/v1/cities/atlantis"), 404, "not_found")
    assert body["instance"] == "/api/v1/cities/atlantis"


def test_unknown_query_parameter_is_a_400_naming_it(client, city):
    body = assert_problem(client.get("/api/v1/cities", {"colour": "blue", "page": 1}), 400, "unknown_parameters")
    assert "colour" in body["detail"]
    assert [e["name"] for e in body["errors"]] == ["query.colour"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"ordering": "password"}, "query.ordering"),
        ({"page_size": 101}, "query.page_size"),
        ({"page": 0}, "query.page"),
        ({"page": "two"}, "query.page"),
        ({"province": "Atlantis"}, "query.province"),
    ],
)
def test_invalid_query_values_are_a_400_naming_the_parameter(client, city, params, name):
    body = assert_problem(client.get("/api/v1/cities", params), 400, "invalid_parameters")
    assert name in body["detail"]
    assert name in [e["name"] for e in body["errors"]]


def test_a_page_past_the_last_is_a_404_problem(client, city):
    body = assert_problem(client.get("/api/v1/cities", {"page": 5}), 404, "not_found")
    assert body["errors"][0]["name"] == "query.page"


def test_unknown_address_under_the_api_is_a_problem_not_an_html_page(client):
    assert_problem(client.get("/api/v1/no/such/thing"), 404, "not_found")
    assert_problem(client.post("/api/v1/no-such-thing", {}), 404, "not_found")


@pytest.mark.parametrize(
    ("header", "language"),
    [("en", "en"), ("fa", "fa"), ("en-US,en;q=0.9", "en"), ("de, fa;q=0.5", "fa"), ("fa-IR", "fa")],
)
def test_problems_speak_the_accept_language(client, header, language):
    response = client.get("/api/v1/cities/atlantis", HTTP_ACCEPT_LANGUAGE=header)

    body = assert_problem(response, 404, "not_found")
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]
    with translation.override(language):
        assert body["title"] == pgettext("label", "Not found")
        assert body["detail"] == gettext("Nothing was found at this address.")


def test_problem_language_does_not_leak_into_the_next_request(client):
    client.get("/api/v1/cities/atlantis", HTTP_ACCEPT_LANGUAGE="en")
    assert translation.get_language() != "en" or translation.get_language() == "en-us"
    response = client.get("/api/v1/cities/atlantis", HTTP_ACCEPT_LANGUAGE="fa")
    assert response["Content-Language"] == "fa"


def test_unexpected_errors_are_a_500_problem_without_traceback(client, monkeypatch, city):
    from hamafza.core import selectors

    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "city_list", boom)
    client.raise_request_exception = False
    response = client.get("/api/v1/cities")

    body = assert_problem(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert body["detail"]


def test_taxonomy_domains_and_capabilities(client):
    waste = DomainFactory(code="waste", position=0, name_en="Waste")
    transport = DomainFactory(code="transport", position=1)
    CapabilityFactory(domain=waste, code="waste.sorting", name_en="Waste sorting", synonyms_fa=["تفکیک زباله"])
    CapabilityFactory(domain=waste, code="waste.composting", name_en="Composting")
    CapabilityFactory(domain=transport, code="transport.parking", name_en="Smart parking")

    domains = client.get("/api/v1/taxonomy/domains").json()
    assert [d["code"] for d in domains["items"]] == ["waste", "transport"]
    assert [c["code"] for c in domains["items"][0]["capabilities"]] == ["waste.composting", "waste.sorting"]

    by_domain = client.get("/api/v1/taxonomy/capabilities", {"domain": "transport"}).json()
    assert [c["code"] for c in by_domain["items"]] == ["transport.parking"]
    # search is on folded text: Arabic ي/ك and a missing half-space still find the synonym
    found = client.get("/api/v1/taxonomy/capabilities", {"q": "تفكيك"}).json()
    assert [c["code"] for c in found["items"]] == ["waste.sorting"]

    one = client.get("/api/v1/taxonomy/capabilities/waste.sorting").json()
    assert one["domain"] == "waste" and one["synonyms_fa"] == ["تفکیک زباله"]
    assert_problem(client.get("/api/v1/taxonomy/capabilities/nope"), 404, "not_found")


def test_lists_do_not_query_per_row(client, django_assert_max_num_queries):
    for n in range(3):
        domain = DomainFactory(code=f"d{n}", position=n)
        for m in range(5):
            CapabilityFactory(domain=domain, code=f"d{n}.c{m}")
    city = CityFactory(slug="many")
    for _n in range(10):
        UnitFactory(city=city)

    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/taxonomy/domains").json()["items"]) == 3
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/taxonomy/capabilities", {"page_size": 100}).json()["items"]) == 15
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/v1/cities/many/units").json()["items"]) == 10


def test_public_reads_still_recognise_a_bad_token(client, city):
    """A present but invalid token is refused, never silently downgraded to anonymous."""
    response = client.get("/api/v1/cities", HTTP_AUTHORIZATION="Bearer hmz_not-a-real-token")
    body = assert_problem(response, 401, "token_invalid")
    assert body["title"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_problem(client.get("/api/v1/cities", HTTP_AUTHORIZATION="Bearer "), 401, "token_invalid")
    # another scheme (a reverse proxy's Basic auth) is not a token: the public read still works
    assert client.get("/api/v1/cities", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200
    assert_problem(client.get("/api/v1/me", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"), 401, "authentication_required")


def test_public_reads_work_with_a_token(client, city):
    _token, key = api_token_create(user=UserFactory(), name="portal")
    response = client.get("/api/v1/cities", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_docs_page_loads_only_vendored_assets(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html
    assert '"url": "/api/v1/openapi.json"' in html


def test_docs_page_assets_are_served(client):
    from django.contrib.staticfiles import finders

    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "hamafza/api-docs.js"):
        assert finders.find(path), path


def test_openapi_document_is_served_with_problem_responses(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert "Problem" in schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/cities"]["get"]
    assert {} in operation["security"]  # anonymous allowed
    assert "application/problem+json" in operation["responses"]["400"]["content"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    me = schema["paths"]["/api/v1/me"]["get"]
    assert {} not in me["security"]


def test_every_router_follows_the_pattern():
    """Every router is an ApiRouter, so every operation goes through its wrapper."""
    from config.api import api
    from hamafza.core.api.routers import ApiRouter

    routers = [api.default_router] + [router for _prefix, router, *_rest in api._routers]
    assert len(routers) >= 4
    for router in routers:
        assert isinstance(router, ApiRouter), router


def test_every_operation_refuses_undeclared_query_parameters(client):
    schema = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"{[^}]+}", "1", path)
        for method in operations:
            response = client.generic(method.upper(), f"{url}?zz_undeclared=1")
            body = assert_problem(response, 400, "unknown_parameters")
            assert "zz_undeclared" in body["detail"]
            checked += 1
    assert checked >= 10
