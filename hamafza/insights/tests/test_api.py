"""The insights API answers what the pages answer, to the same people."""

import csv
import io

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db
API = "/api/v1/insights"


@pytest.fixture
def manager(city):
    return user_with_role(CityRole.Role.INNOVATION_MANAGER, city)


def by_slug(response):
    assert response.status_code == 200, response.content
    return {t["slug"]: t for t in response.json()}


def test_city_figures_match_the_page(client, pilots_world, city, manager):
    client.force_login(manager)
    tables = by_slug(client.get(f"{API}/cities/{city.slug}/figures?year=1404"))
    assert [r["count"] for r in tables["funnel"]["rows"]] == [2, 2, 3, 1, 1, 0, 3]
    page = client.get(f"/fa/c/{city.slug}/insights/?year=1404").context["figures"]
    assert [r["count"] for r in next(t for t in page if t.slug == "funnel").rows] == [
        r["count"] for r in tables["funnel"]["rows"]
    ]
    share = tables["local-share"]
    assert share["rows"][0]["local"] == 2_500_000 and share["note"]
    assert {c["key"] for c in share["columns"]} >= {"total", "local", "kb", "both", "local_pct"}
    response = client.get(f"{API}/cities/{city.slug}/figures/funnel/export?format=csv&year=1404")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["2", "2", "3", "1", "1", "0", "3"]
    assert client.get(f"{API}/cities/{city.slug}/figures/nope/export").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other_manager", "member"])
def test_city_figures_refused(client, world, city, other_city, who):
    if who == "other_manager":
        client.force_login(user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city))
    elif who == "member":
        client.force_login(UserFactory())
    response = client.get(f"{API}/cities/{city.slug}/figures")
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get(f"{API}/cities/{city.slug}/figures/funnel/export").status_code in (401, 403)


def test_national_figures(client, pilots_world, city, manager):
    client.force_login(manager)
    assert client.get(f"{API}/national/figures").status_code == 403
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    tables = by_slug(client.get(f"{API}/national/figures"))
    per_city = {r["name"]: r for r in tables["local-share-per-city"]["rows"]}
    assert per_city[city.name]["local"] == 3_100_000
    assert client.get(f"{API}/national/figures?unit=u1").status_code == 400


@pytest.mark.parametrize(
    "query", ["year=abc", "year=1200", "quarter=2", "quarter=7&year=1404", "domain=nope", "unit=nope"]
)
def test_bad_parameters_are_400(client, world, city, manager, query):
    client.force_login(manager)
    response = client.get(f"{API}/cities/{city.slug}/figures?{query}")
    assert response.status_code == 400
    assert response.json()["type"].endswith("invalid_parameters") or response.json().get("errors")


def test_public_summary_and_ocds(client, pilots_world, city):
    tables = by_slug(client.get(f"{API}/cities/{city.slug}/summary"))
    assert set(tables) == {"local-share", "calls", "awards", "pilots", "agreements"}
    assert {c["key"] for c in tables["local-share"]["columns"]}.isdisjoint({"total", "local", "kb", "both"})
    values = {r["title"]: r["value"] for r in tables["agreements"]["rows"]}
    assert values[pilots_world["a1"].title] is None
    data = client.get(f"{API}/cities/{city.slug}/ocds").json()
    assert data["version"] == "1.1" and len(data["releases"]) == 3
    assert client.get(f"{API}/cities/nowhere/summary").status_code == 404
