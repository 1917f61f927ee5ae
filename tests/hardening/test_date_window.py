"""Finding 3 of issue 17: dates outside the Jalali library's range broke pages. Every date is now
bounded to 1900-01-01 … 2100-12-31 in the services, forms and API (a 400 naming the field, in the
user's language); a Jalali-looking year in a Gregorian (API) field is refused with the Gregorian
date it probably meant; forms read a year below 1700 as Jalali, explicitly; and a page showing a
date stored before these rules (the years 1 or 9999) never answers 500."""

import datetime

import pytest
from django.utils import timezone

from hamafza.challenges.models import Call
from hamafza.challenges.tests.factories import PublishedCallFactory
from tests.hardening.conftest import call_api, signed_in

pytestmark = pytest.mark.django_db


def settings_path(world):
    return f"/calls/{world.draft_call.pk}/settings"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"opens_at": "9999-12-31T23:59:59"}, "body.opens_at"),
        ({"opens_at": "0001-01-01T00:00:00"}, "body.opens_at"),
        ({"closes_at": "2101-01-01T00:00:00"}, "body.closes_at"),
        ({"closes_at": "1899-12-31T23:00:00"}, "body.closes_at"),
    ],
)
def test_call_dates_outside_the_window_are_400(client, world, body, field):
    response = call_api(client, "patch", settings_path(world), world.manager, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["name"] == field and "between 1900-01-01 and 2100-12-31" in error["message"]
    world.draft_call.refresh_from_db()
    assert world.draft_call.opens_at is None and world.draft_call.closes_at is None


def test_a_jalali_year_in_the_api_is_refused_with_the_meant_date(client, world):
    response = call_api(
        client, "patch", settings_path(world), world.manager, {"closes_at": "1405-01-15T12:00:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "looks like a Jalali" in message and "2026-04-04" in message


def test_the_message_is_persian_by_default(client, world):
    response = call_api(client, "patch", settings_path(world), world.manager, {"closes_at": "1405-01-15T12:00:00"})
    assert response.status_code == 400
    assert "شمسی" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1404-12-01"])
def test_the_canvas_target_date_is_bounded(client, world, value):
    path = f"/calls/{world.draft_call.pk}/canvas"
    current = call_api(client, "get", path, world.manager).json()
    body = {"version": current["version"], "title": current["title"], "target_date": value}
    response = call_api(client, "put", path, world.manager, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["name"] == "body.target_date"


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1400-01-01"])
def test_certificate_dates_are_bounded_in_the_api(client, world, value):
    response = call_api(
        client, "patch", "/organizations/alpha", world.org_admin, {"certificate_valid_until": value},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "body.certificate_valid_until"


def test_the_call_list_filter_is_bounded(client, world):
    assert call_api(client, "get", "/calls?closes_before=9999-12-31").status_code == 400
    assert call_api(client, "get", "/calls?closes_after=2026-01-01").status_code == 200


def test_dates_inside_the_window_still_work(client, world):
    body = {"opens_at": "2026-01-01T08:00:00", "closes_at": "2099-12-31T23:59:59"}
    response = call_api(client, "patch", settings_path(world), world.manager, body)
    assert response.status_code == 200, response.content


# --- the pages ------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["9999/12/29", "0001/01/01", "2101-01-01", "1899-01-01"])
def test_the_settings_form_refuses_dates_outside_the_window(client, world, typed):
    signed_in(client, world.manager)
    response = client.post(
        f"/en/c/qom/calls/{world.draft_call.pk}/settings/", {"call_type": "open", "closes_at": typed}
    )
    assert response.status_code == 400
    assert "between 1900-01-01 and 2100-12-31" in response.content.decode() or "does not exist" in (
        response.content.decode()
    )


def test_the_settings_form_reads_a_year_below_1700_as_jalali(client, world):
    signed_in(client, world.manager)
    response = client.post(
        f"/fa/c/qom/calls/{world.draft_call.pk}/settings/",
        {"call_type": "open", "opens_at": "1406/01/15", "closes_at": "1406/02/15"},
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    world.draft_call.refresh_from_db()
    assert timezone.localtime(world.draft_call.opens_at).date() == datetime.date(2027, 4, 4)


# (the certificate field is a Jalali date field since issue 18: "1405-01-15" is a Jalali date there)
@pytest.mark.parametrize("value", ["2200-01-01", "9999-12-31", "0001-01-01"])
def test_the_organization_form_refuses_out_of_window_certificates(client, world, value):
    signed_in(client, world.org_admin)
    page = client.get("/en/organizations/alpha/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None and not isinstance(v, list)}
    data["capabilities"] = [world.capability.pk]
    data["certificate_valid_until"] = value
    response = client.post("/en/organizations/alpha/edit/", data)
    assert response.status_code == 400
    world.org.refresh_from_db()
    assert world.org.certificate_valid_until is None


EXTREMES = [
    datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("extreme", EXTREMES, ids=["year9999", "year1"])
@pytest.mark.parametrize("lang", ["fa", "en"])
def test_no_page_fails_on_a_stored_extreme_date(client, world, extreme, lang):
    """Rows written before the window existed (or by hand in the database) still display."""
    call = PublishedCallFactory(city=world.city, unit=world.unit, created_by=world.manager)
    day = datetime.timedelta(days=1)
    opens, closes = (extreme, extreme + day) if extreme.year == 1 else (extreme - day, extreme)
    Call.objects.filter(pk=call.pk).update(opens_at=opens, closes_at=closes, published_at=opens)
    call.canvas.__class__.objects.filter(call=call).update(target_date=extreme.date())
    world.org.__class__.objects.filter(pk=world.org.pk).update(
        certificate_valid_from=extreme.date(), certificate_valid_until=extreme.date()
    )
    pages = {
        None: [f"/{lang}/challenges/", f"/{lang}/challenges/{call.pk}/", f"/{lang}/organizations/alpha/"],
        world.manager: [
            f"/{lang}/c/qom/calls/",
            f"/{lang}/c/qom/calls/{call.pk}/",
            f"/{lang}/c/qom/calls/{call.pk}/settings/",
            f"/{lang}/c/qom/calls/{call.pk}/canvas/",
        ],
        world.org_admin: [f"/{lang}/organizations/alpha/edit/", f"/{lang}/challenges/{call.pk}/"],
        world.admin: [f"/{lang}/admin/challenges/call/{call.pk}/change/"],
    }
    for user, paths in pages.items():
        signed_in(client, user)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 302), (path, response.status_code)
    for path in [f"/calls/{call.pk}", f"/calls/{call.pk}/canvas", "/organizations/alpha"]:
        assert call_api(client, "get", path, world.manager).status_code == 200, path
