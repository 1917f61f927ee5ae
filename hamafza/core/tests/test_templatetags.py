"""Display filters: Persian digits and Jalali dates in Persian, Gregorian in English, Tehran time."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

NOWRUZ_1404_UTC = datetime.datetime(2025, 3, 20, 20, 45, tzinfo=datetime.UTC)  # 00:15 on 21 March in Tehran


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fa", "۱ فروردین ۱۴۰۴"), ("en", "21 March 2025")],
)
def test_a_utc_datetime_is_shown_in_tehran(language, expected):
    assert render("{{ d|jdate }}", language, d=NOWRUZ_1404_UTC) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fa", "۱ فروردین ۱۴۰۴، ۰۰:۱۵"), ("en", "21 March 2025, 00:15")],
)
def test_jdatetime_shows_tehran_time(language, expected):
    assert render("{{ d|jdatetime }}", language, d=NOWRUZ_1404_UTC) == expected


def test_jdate_follows_the_active_time_zone():
    with timezone.override("UTC"):
        assert render("{{ d|jdate }}", "fa", d=NOWRUZ_1404_UTC) == "۳۰ اسفند ۱۴۰۳"


@pytest.mark.parametrize(
    ("value", "fa", "en"),
    [
        (datetime.date(2024, 3, 20), "۱ فروردین ۱۴۰۳", "20 March 2024"),  # 1403 starts a day earlier
        (datetime.date(2025, 12, 31), "۱۰ دی ۱۴۰۴", "31 December 2025"),
        (datetime.date(2026, 1, 5), "۱۵ دی ۱۴۰۴", "5 January 2026"),
    ],
)
def test_jdate_on_plain_dates(value, fa, en):
    assert render("{{ d|jdate }}", "fa", d=value) == fa
    assert render("{{ d|jdate }}", "en", d=value) == en


@pytest.mark.parametrize("empty", [None, ""])
def test_jdate_of_nothing_is_empty(empty):
    assert render("{{ d|jdate }}", "fa", d=empty) == ""


def test_jdate_of_a_non_date_is_shown_as_is():
    assert render("{{ d|jdate }}", "fa", d="unknown") == "unknown"


@pytest.mark.parametrize(
    ("source", "value", "fa", "en"),
    [
        ("{{ v|digits }}", 2025, "۲۰۲۵", "2025"),
        ("{{ v|digits }}", "1402-55", "۱۴۰۲-۵۵", "1402-55"),
        ("{{ v|digits }}", None, "", ""),
        ("{{ v|floatformat:2|digits }}", 0.5, "۰٫۵۰", "0.50"),
        ("{{ v|digits }}", "v1.", "v۱.", "v1."),
        ("{{ v|num }}", 1234567, "۱٬۲۳۴٬۵۶۷", "1,234,567"),
        ("{{ v|num }}", 0, "۰", "0"),
        ("{{ v|num }}", "12a", "۱۲a", "12a"),
        ("{{ v|num }}", "", "", ""),
    ],
)
def test_digits_and_num(source, value, fa, en):
    assert render(source, "fa", v=value) == fa
    assert render(source, "en", v=value) == en


def test_query_replace_keeps_other_parameters():
    request = RequestFactory().get("/fa/organizations/", {"q": "پسماند", "kind": "startup", "page": "2"})
    out = render("{% query_replace page=3 %}", "fa", request=request)
    assert out.startswith("q=")
    assert "kind=startup" in out
    assert "page=3" in out
    assert "page=2" not in out
    out = render("{% query_replace page='' %}", "fa", request=request)
    assert "page" not in out


def test_filters_need_no_load_tag():
    # registered as builtins in settings.TEMPLATES, so every template can use them
    assert render("{{ 5|digits }}", "fa") == "۵"
