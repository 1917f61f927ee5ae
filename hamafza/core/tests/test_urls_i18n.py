"""URL scheme, language choice, direction, health check and the friendly error pages."""

import json
import re

import pytest
from django.urls import reverse

from hamafza.accounts.tests.factories import PASSWORD, UserFactory
from hamafza.core.tests.factories import CityFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_root_redirects_to_persian_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fa/"


def test_root_stays_persian_first_even_if_the_browser_prefers_english(client):
    # Municipal PCs often run an English OS; Persian is the platform's default, not the browser's.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Location"] == "/fa/"


@pytest.mark.parametrize(("preferred", "expected"), [("en", "/en/"), ("fa", "/fa/")])
def test_root_follows_the_signed_in_users_language(client, preferred, expected):
    UserFactory(email="u@example.org", preferred_language=preferred)
    assert client.post("/fa/accounts/login/", {"username": "u@example.org", "password": PASSWORD}).status_code == 302

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == expected


def test_unprefixed_page_url_keeps_its_path(client):
    response = client.get("/organizations/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/fa/organizations/?q=x"


def test_an_explicit_prefix_wins_over_the_users_language(client):
    UserFactory(email="u@example.org", preferred_language="en")
    client.post("/fa/accounts/login/", {"username": "u@example.org", "password": PASSWORD})
    response = client.get("/fa/")
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in response.content.decode()


def test_persian_pages_are_right_to_left(client):
    response = client.get("/fa/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "Vazirmatn-Variable-font-face.css" in html


def test_english_pages_are_left_to_right(client):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "bootstrap.min.css" in html
    assert "bootstrap.rtl.min.css" not in html


@pytest.mark.parametrize("url", ["/fa/", "/en/", "/fa/organizations/", "/fa/accounts/login/"])
def test_pages_load_assets_only_from_the_platform(client, url):
    html = client.get(url).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".css") for a in assets)
    assert any(a.endswith(".js") for a in assets)
    foreign = [a for a in assets if a.startswith(("http:", "https:", "//"))]
    assert foreign == []


def test_language_switch_shows_the_page_in_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/organizations/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/en/organizations/"
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "<h1" in html and "Organizations" in html
    # the choice sticks for the next unprefixed URL
    assert client.get("/")["Location"] == "/en/"


def test_language_switch_back_to_persian(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.post("/i18n/setlang/", {"language": "fa", "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/fa/"
    assert '<html lang="fa" dir="rtl">' in response.content.decode()


def test_switch_button_on_each_page_points_to_the_same_page(client):
    html = client.get("/fa/organizations/?kind=startup").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" type="hidden" value="/organizations/?kind=startup"' in html
    assert 'value="en"' in html


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "error: RuntimeError"}


@pytest.mark.parametrize(
    ("url", "lang", "direction", "heading"),
    [
        ("/fa/no-such-page/", "fa", "rtl", "۴۰۴"),
        ("/en/no-such-page/", "en", "ltr", "404"),
        ("/en/organizations/no-such-org/", "en", "ltr", "404"),
        ("/fa/c/no-such-city/", "fa", "rtl", "۴۰۴"),
    ],
)
def test_404_is_the_friendly_page_in_both_languages(client, settings, url, lang, direction, heading):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert f'<p class="display-4 text-body-secondary">{heading}</p>' in html
    assert f'href="/{lang}/"' in html  # back to the home page, in the same language
    if lang == "en":
        assert "Page not found" in html


def test_city_pages(client):
    city = CityFactory(slug="tabriz", name_fa="تبریز", name_en="Tabriz", province="East Azerbaijan")
    UnitFactory(city=city, name_fa="سازمان مدیریت پسماند", name_en="Waste Management Organization")
    other = CityFactory(slug="qom", name_fa="قم", name_en="Qom")
    UnitFactory(city=other, name_fa="واحد قم", name_en="Qom unit")

    listing = client.get(reverse("core:city_list")).content.decode()
    assert "تبریز" in listing and "قم" in listing

    detail = client.get(reverse("core:city_detail", args=["tabriz"])).content.decode()
    assert "سازمان مدیریت پسماند" in detail
    assert "واحد قم" not in detail  # units are scoped to their city

    english = client.get("/en/c/tabriz/").content.decode()
    assert "Waste Management Organization" in english
    assert "Tabriz" in english


def test_inactive_city_is_404(client):
    CityFactory(slug="closed", is_active=False)
    assert client.get("/fa/c/closed/").status_code == 404


def test_taxonomy_page_links_capabilities_to_the_directory(client):
    from hamafza.core.tests.factories import CapabilityFactory

    CapabilityFactory(code="waste.sorting", name_fa="تفکیک پسماند", name_en="Waste sorting")
    html = client.get(reverse("core:taxonomy")).content.decode()
    assert "تفکیک پسماند" in html
    assert "/fa/organizations/?capability=waste.sorting" in html
