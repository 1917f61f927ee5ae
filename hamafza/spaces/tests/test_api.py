"""The spaces API per role with real requests: the same permissions as the pages, the rules as 400s
naming the field, a taken slot as a 409 naming the conflicting slot — the same answer as the page."""

import datetime

import jdatetime
import pytest
from django.urls import reverse
from django.utils import translation

from hamafza.accounts.services import api_token_create
from hamafza.core.text import persian_digits
from hamafza.spaces import selectors, services
from hamafza.spaces.models import Booking
from hamafza.spaces.tests.factories import SpaceFactory, tomorrow_at

pytestmark = pytest.mark.django_db


def auth(user, lang="en"):
    headers = {"Accept-Language": lang}
    if user is not None:
        headers["Authorization"] = f"Bearer {api_token_create(user=user, name='test')[1]}"
    return headers


def body(resource, start=10, end=12, **extra):
    return {
        "resource": resource.pk,
        "starts_at": tomorrow_at(start).isoformat(),
        "ends_at": tomorrow_at(end).isoformat(),
        **extra,
    }


def test_spaces_and_resources_are_public(client, world, django_assert_max_num_queries):
    SpaceFactory(city=world.karaj)
    with django_assert_max_num_queries(4):
        listing = client.get("/api/v1/spaces?city=tabriz").json()
    assert [s["slug"] for s in listing["items"]] == ["tabriz-cowork"]
    assert listing["items"][0]["owner"] == "organization" and listing["items"][0]["organization"] == "tabriz-incubator"
    assert client.get("/api/v1/spaces?city=nowhere").status_code == 400
    detail = client.get(f"/api/v1/spaces/{world.space.pk}").json()
    assert len(detail["opening_hours"]) == 7 and detail["can_manage"] is False
    resources = client.get(f"/api/v1/spaces/{world.space.pk}/resources").json()
    assert {r["kind"] for r in resources} == {"desk", "room"}


def test_slots_show_only_booked_to_others(client, world):
    booking = services.booking_create(
        resource=world.desk, by=world.booker, starts_at=tomorrow_at(10), ends_at=tomorrow_at(11)
    )
    day = (selectors.today() + datetime.timedelta(days=1)).isoformat()
    address = f"/api/v1/spaces/resources/{world.desk.pk}/slots?date={day}"
    slots = client.get(address).json()["slots"]
    taken = [s for s in slots if s["state"] == "booked"]
    assert len(taken) == 2 and all(s["booking"] is None for s in taken)  # two 30-minute slots
    mine = client.get(address, headers=auth(world.booker)).json()["slots"]
    assert [s["booking"] for s in mine if s["state"] == "mine"] == [booking.pk, booking.pk]
    managed = client.get(address, headers=auth(world.org_admin)).json()["slots"]
    assert [s["booking"] for s in managed if s["state"] == "booked"] == [booking.pk, booking.pk]
    assert client.get(f"/api/v1/spaces/resources/{world.desk.pk}/slots?date=1405-09-16").status_code == 400


def test_book_conflict_rules_and_auth(client, world):
    assert client.post("/api/v1/bookings", body(world.desk), content_type="application/json").status_code == 401
    created = client.post(
        "/api/v1/bookings",
        body(world.desk, purpose="demo prep"),
        content_type="application/json",
        headers=auth(world.booker),
    )
    assert created.status_code == 201, created.json()
    assert created.json()["state"] == "confirmed" and created.json()["booked_by"] == "Sara Ahmadi"

    taken = client.post(
        "/api/v1/bookings", body(world.desk, 11, 13), content_type="application/json", headers=auth(world.someone, "fa")
    )
    assert taken.status_code == 409
    problem = taken.json()
    assert problem["code"] == "slot_taken" and "میز ۱" in problem["detail"] and "۱۰:۰۰–۱۲:۰۰" in problem["detail"]
    assert problem["errors"][0]["name"] == "slot"

    too_long = client.post(
        "/api/v1/bookings", body(world.desk, 13, 18), content_type="application/json", headers=auth(world.someone)
    )
    assert too_long.status_code == 400
    assert (
        too_long.json()["errors"][0]["name"] == "body.ends_at"
        and "at most 4 hours" in too_long.json()["errors"][0]["message"]
    )
    crowded = client.post(
        "/api/v1/bookings", body(world.room, attendees=9), content_type="application/json", headers=auth(world.someone)
    )
    assert crowded.status_code == 400 and crowded.json()["errors"][0]["name"] == "body.attendees"
    early = client.post(
        "/api/v1/bookings", body(world.room, 6, 7), content_type="application/json", headers=auth(world.someone)
    )
    assert early.status_code == 400 and "is open on" in early.json()["errors"][0]["message"]
    naive = {
        "resource": world.room.pk,
        "starts_at": tomorrow_at(15).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": tomorrow_at(16).strftime("%Y-%m-%dT%H:%M"),
    }
    tehran = client.post("/api/v1/bookings", naive, content_type="application/json", headers=auth(world.someone))
    assert tehran.status_code == 201
    assert Booking.objects.get(pk=tehran.json()["id"]).starts_at == tomorrow_at(15)  # no offset: Tehran time


def test_same_answer_on_the_page_and_the_api(client, world):
    services.booking_create(resource=world.desk, by=world.booker, starts_at=tomorrow_at(10), ends_at=tomorrow_at(12))
    with translation.override("fa"):
        expected = services.taken_message(Booking.objects.get())
    api = client.post(
        "/api/v1/bookings", body(world.desk, 10, 11), content_type="application/json", headers=auth(world.someone, "fa")
    )
    assert api.json()["detail"] == expected
    client.force_login(world.someone)
    day = jdatetime.date.fromgregorian(date=selectors.today() + datetime.timedelta(days=1)).strftime("%Y/%m/%d")
    with translation.override("fa"):
        address = reverse("spaces:resource_book", args=["tabriz-cowork", world.desk.pk])
    page = client.post(address, {"date": persian_digits(day), "start": "10:00", "end": "11:00"})
    assert page.status_code == 409 and expected in page.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("someone", 403),
        ("org_member", 403),
        ("staff", 403),
        ("other_manager", 403),
        ("manager", 200),
        ("org_admin", 200),
        ("admin", 200),
    ],
)
def test_who_manages_a_space(client, world, who, status):
    user = getattr(world, who) if who else None
    headers = auth(user)
    patched = client.patch(
        f"/api/v1/spaces/{world.space.pk}", {"address": "ولیعصر"}, content_type="application/json", headers=headers
    )
    assert patched.status_code == status
    added = client.post(
        f"/api/v1/spaces/{world.space.pk}/resources",
        {"name_fa": "میز ۹", "kind": "desk"},
        content_type="application/json",
        headers=headers,
    )
    assert added.status_code == (201 if status == 200 else status)
    hours = client.put(
        f"/api/v1/spaces/{world.space.pk}/opening-hours",
        {"days": [{"weekday": 5, "opens": "09:00", "closes": "17:00"}]},
        content_type="application/json",
        headers=headers,
    )
    assert hours.status_code == status
    if status == 200:
        assert world.space.opening_hours.count() == 1
        changed = client.patch(
            f"/api/v1/spaces/resources/{world.room.pk}",
            {"capacity": 12},
            content_type="application/json",
            headers=headers,
        )
        assert changed.status_code == 200 and changed.json()["capacity"] == 12
        bad = client.put(
            f"/api/v1/spaces/{world.space.pk}/opening-hours",
            {"days": [{"weekday": 1, "opens": "17:00", "closes": "09:00"}]},
            content_type="application/json",
            headers=headers,
        )
        assert bad.status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("someone", 404),
        ("org_member", 404),
        ("other_manager", 404),
        ("booker", 200),
        ("manager", 200),
        ("org_admin", 200),
        ("admin", 200),
    ],
)
def test_who_sees_and_cancels_a_booking(client, world, who, status):
    booking = services.booking_create(
        resource=world.desk, by=world.booker, starts_at=tomorrow_at(10), ends_at=tomorrow_at(12), purpose="secret"
    )
    headers = auth(getattr(world, who))
    seen = client.get(f"/api/v1/bookings/{booking.pk}", headers=headers)
    assert seen.status_code == status
    if status == 404:
        assert "secret" not in seen.content.decode()
    cancelled = client.post(f"/api/v1/bookings/{booking.pk}/cancel", headers=headers)
    assert cancelled.status_code == status
    if status == 200:
        assert cancelled.json()["state"] == "cancelled"
        again = client.post(f"/api/v1/bookings/{booking.pk}/cancel", headers=headers)
        assert again.status_code == 409 and again.json()["code"] == "booking_refused"


def test_booking_lists(client, world, django_assert_max_num_queries):
    for hour in (9, 11, 13):
        services.booking_create(
            resource=world.desk, by=world.booker, starts_at=tomorrow_at(hour), ends_at=tomorrow_at(hour + 1)
        )
    services.booking_create(resource=world.room, by=world.someone, starts_at=tomorrow_at(9), ends_at=tomorrow_at(10))
    headers = auth(world.booker)
    with django_assert_max_num_queries(6):
        mine = client.get("/api/v1/bookings", headers=headers).json()
    assert mine["count"] == 3
    assert client.get(f"/api/v1/bookings?space={world.space.pk}", headers=headers).status_code == 400
    managed = client.get(f"/api/v1/bookings?space={world.space.pk}", headers=auth(world.manager)).json()
    assert managed["count"] == 4
