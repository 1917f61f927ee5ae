"""The dashboards and the public summary with real requests per role, their downloads and bad input."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db
R = CityRole.Role


@pytest.fixture
def people(city, other_city):
    return {
        "manager": user_with_role(R.INNOVATION_MANAGER, city),
        "other_manager": user_with_role(R.INNOVATION_MANAGER, other_city),
        "staff": user_with_role(R.UNIT_STAFF, city),
        "judge": user_with_role(R.JUDGE, city),
        "member": UserFactory(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }


def city_url(city, **query):
    url = reverse("insights:city_dashboard", args=[city.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("admin", 200), ("other_manager", 403), ("staff", 403), ("judge", 403), ("member", 403)],
)
def test_city_dashboard_roles(client, world, city, people, who, status):
    client.force_login(people[who])
    assert client.get(city_url(city)).status_code == status
    assert client.get(city_url(city, export="funnel", format="csv")).status_code == status


def test_city_dashboard_anonymous_goes_to_login(client, world, city):
    response = client.get(city_url(city))
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.get(city_url(city, export="funnel", format="csv"))
    assert response.status_code == 302


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("manager", 403), ("member", 403)])
def test_national_dashboard_roles(client, world, people, who, status):
    client.force_login(people[who])
    assert client.get(reverse("insights:national_dashboard")).status_code == status


def test_city_dashboard_shows_figures_with_charts(client, world, city, people):
    client.force_login(people["manager"])
    response = client.get(city_url(city, year=1404))
    html = response.content.decode()
    for slug in ("funnel", "times", "slowest", "per-domain", "per-unit"):
        assert f'id="fig-{slug}"' in html
    assert 'data-chart="chart-funnel"' in html and 'id="chart-funnel"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    # Persian digits in the table: 1404 has 2 needs, 2 calls, 3 proposals, 1 award.
    funnel = response.context["figures"][0]
    assert [row["count"] for row in funnel.rows] == [2, 2, 3, 1, 0, 0, 0]
    assert "۳" in html


def test_downloads_match_the_table(client, world, city, people):
    client.force_login(people["manager"])
    response = client.get(city_url(city, year=1404, export="funnel", format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["2", "2", "3", "1", "0", "0", "0"]
    response = client.get(city_url(city, export="per-unit", format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 3  # header + two units
    assert sorted(v[1] for v in values[1:]) == [1, 2]  # calls per unit


@pytest.mark.parametrize(
    "query",
    [{"year": "abc"}, {"year": "1200"}, {"quarter": "2"}, {"quarter": "9", "year": "1404"}, {"domain": "999999"}],
)
def test_bad_filters_are_400(client, world, city, people, query):
    client.force_login(people["manager"])
    assert client.get(city_url(city, **query)).status_code == 400


def test_bad_download_requests(client, world, city, people):
    client.force_login(people["manager"])
    assert client.get(city_url(city, export="funnel", format="pdf")).status_code == 400
    assert client.get(city_url(city, export="nope", format="csv")).status_code == 404


def test_unit_of_another_city_is_refused(client, world, city, other_city, people):
    from hamafza.core.models import Unit

    client.force_login(people["manager"])
    other_unit = Unit.objects.filter(city=other_city).first()
    assert client.get(city_url(city, unit=other_unit.pk)).status_code == 400


def test_dashboard_query_count_is_constant(client, world, city, people, django_assert_max_num_queries):
    from hamafza.insights.tests.conftest import at
    from hamafza.proposals.tests.factories import CallFactory, ProposalFactory

    client.force_login(people["manager"])
    client.get(city_url(city))  # warm the session and caches
    with django_assert_max_num_queries(75) as first:
        client.get(city_url(city, year=1404))
    for i in range(6):
        call = CallFactory(city=city, unit=world["u2"], domain=world["b"], published_at=at(2025, 10, 1 + i))
        ProposalFactory(call=call, submitted_at=at(2025, 10, 2 + i))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(city_url(city, year=1404))


def test_public_summary_shows_only_public_things(client, world, city):
    url = reverse("insights:city_summary", args=[city.slug])
    html = client.get(url).content.decode()
    assert "Call two" in html  # open call
    assert "Applicant 0" in html and "Applicant 1" in html  # winners
    assert "Applicant 2" not in html  # not awarded: confidential
    assert "Applicant 3" not in html and "Applicant 5" not in html
    response = client.get(url + "?export=awards&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r[1] for r in rows[1:]) == ["Applicant 0", "Applicant 0", "Applicant 1"]
    response = client.get(url + "?export=calls&format=xlsx")
    titles = [row[0] for row in list(load_workbook(io.BytesIO(response.content)).active.values)[1:]]
    assert titles == ["Call two", "Call three", "Call one"]
    assert client.get(reverse("insights:city_summary", args=["nowhere"])).status_code == 404


def test_local_share_on_the_dashboards(client, pilots_world, city, people):
    client.force_login(people["manager"])
    response = client.get(city_url(city))
    figures = {t.slug: t for t in response.context["figures"]}
    assert figures["local-share"].rows[0]["local"] == 3_100_000
    assert figures["local-share"].note  # the definition is written on the page
    assert "knowledge-based certificate" in figures["local-share"].note or "دانش‌بنیان" in figures["local-share"].note
    per_year = {r["key"]: r["local_pct"] for r in figures["local-share-per-year"].rows}
    assert per_year[1403] == 60.0
    assert figures["local-share-per-year"].chart_data()["type"] == "line"
    client.force_login(people["admin"])
    figures = {t.slug: t for t in client.get(reverse("insights:national_dashboard")).context["figures"]}
    per_city = {r["key"]: r for r in figures["local-share-per-city"].rows}
    assert per_city[city.pk]["local"] == 3_100_000
    assert per_city[pilots_world["a5"].city_id]["kb"] == 7_000_000


def test_public_summary_with_pilots_agreements_and_local_share(client, pilots_world, city):
    url = reverse("insights:city_summary", args=[city.slug])
    response = client.get(url)
    html = response.content.decode()
    assert pilots_world["p1"].title in html  # completed pilot
    assert pilots_world["p2"].title not in html  # running: not public yet
    registers = {t.slug: t for t in response.context["registers"]}
    values = {r["title"]: r["value"] for r in registers["agreements"].rows}
    assert values[pilots_world["a4"].title] == 1_000_000  # public value
    assert values[pilots_world["a1"].title] is None  # private value stays private
    assert "3,000,000" not in html and "۳٬۰۰۰٬۰۰۰" not in html
    share = response.context["local_share"]
    assert [c.key for c in share.columns] == ["name", "pilots", "agreements", "local_pct", "kb_pct", "both_pct"]
    assert {r["key"]: r["local_pct"] for r in share.rows}[1403] == 60.0
    rows = list(csv.reader(io.StringIO(client.get(url + "?export=local-share&format=csv").content.decode("utf-8-sig"))))
    assert len(rows[0]) == 6  # percentages only, no Rial


def test_navigation_entries(client, world, city, people):
    client.force_login(people["manager"])
    html = client.get("/fa/").content.decode()
    assert reverse("insights:city_dashboard", args=[city.slug]) in html
    assert reverse("insights:national_dashboard") not in html
    client.force_login(people["admin"])
    assert reverse("insights:national_dashboard") in client.get("/fa/").content.decode()
    client.force_login(people["member"])
    assert "/insights/" not in client.get("/fa/").content.decode()
