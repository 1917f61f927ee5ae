"""An event held in a room of a co-working space (issue 15: "venue: an address, or a co-working room,
or an online link"): the room must be a room of the event's city and seat the event's capacity; the
pages, the API and the calendars name the room, its space and its address."""

import re

import icalendar
import pytest
from django.urls import reverse

from hamafza.programs.models import Event
from hamafza.programs.tests.factories import EventFactory
from hamafza.programs.tests.test_api import call_api
from hamafza.spaces.tests.factories import ResourceFactory, SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(world, other_city):
    space = SpaceFactory(city=world.city, name_fa="فضای کار اشتراکی مرکز نوآوری", address="خیابان امام، پلاک ۱۲")
    return {
        "room": ResourceFactory(space=space, kind="room", capacity=30, name_fa="اتاق جلسات"),
        "desk": ResourceFactory(space=space, kind="desk", capacity=1),
        "elsewhere": ResourceFactory(space=SpaceFactory(city=other_city), kind="room", capacity=30),
    }


def _form(room, **extra):
    return {
        "kind": "pitch_day",
        "title": "روز ارائه در مرکز نوآوری",
        "venue_room": room.pk,
        "starts_at": "1406/02/10 09:00",
        "ends_at": "1406/02/10 13:00",
        "capacity": "۲۰",
        "registration_open": "on",
        **extra,
    }


def test_page_creates_an_event_in_a_room_and_names_it_everywhere(client, world, rooms):
    client.force_login(world.manager)
    url = reverse("programs:event_create", args=[world.city.slug])
    form = client.get(url).content.decode()
    select = re.search(r'<select name="venue_room".*?</select>', form, re.S).group(0)
    assert f'value="{rooms["room"].pk}"' in select and "اتاق جلسات" in select
    assert f'value="{rooms["elsewhere"].pk}"' not in select and f'value="{rooms["desk"].pk}"' not in select
    too_many = client.post(url, _form(rooms["room"], capacity="۵۰"))
    assert too_many.status_code == 400 and "روز ارائه در مرکز نوآوری" in too_many.content.decode()
    assert client.post(url, _form(rooms["room"])).status_code == 302
    event = Event.objects.get(title="روز ارائه در مرکز نوآوری")
    assert event.venue_room == rooms["room"]
    client.post(reverse("programs:event_transition", args=[event.pk]), {"to": "published"})
    page = client.get(reverse("programs:event_detail", args=[event.pk])).content.decode()
    assert "اتاق جلسات" in page and reverse("spaces:space_detail", args=[rooms["room"].space.slug]) in page
    (vevent,) = icalendar.Calendar.from_ical(client.get(reverse("programs:event_ics", args=[event.pk])).content).walk(
        "VEVENT"
    )
    assert "اتاق جلسات" in str(vevent["LOCATION"]) and "خیابان امام" in str(vevent["LOCATION"])


def test_service_refuses_a_desk_a_room_of_another_city_and_no_venue(world, rooms):
    from django.core.exceptions import ValidationError

    from hamafza.programs import services

    base = {
        "kind": "technology_event",
        "title": "رویداد",
        "starts_at": world.event.starts_at,
        "ends_at": world.event.ends_at,
        "capacity": 10,
    }
    for room in (rooms["desk"], rooms["elsewhere"]):
        with pytest.raises(ValidationError) as exc:
            services.event_create(city=world.city, by=world.manager, venue_room=room, **base)
        assert "venue_room" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.event_create(city=world.city, by=world.manager, **base)
    assert "venue_address" in exc.value.message_dict


def test_api_takes_a_room_of_the_city_only(client, world, rooms):
    body = {
        "kind": "pitch_day",
        "title": "روز ارائه",
        "venue_room": rooms["elsewhere"].pk,
        "starts_at": "2027-03-01T06:00:00Z",
        "ends_at": "2027-03-01T10:00:00Z",
        "capacity": 20,
    }
    path = f"/cities/{world.city.slug}/events"
    assert call_api(client, "post", path, world.manager, body).status_code == 404
    created = call_api(client, "post", path, world.manager, {**body, "venue_room": rooms["room"].pk})
    assert created.status_code == 201
    assert created.json()["venue_room"] == rooms["room"].pk and "اتاق جلسات" in created.json()["venue_room_name"]
    assert call_api(client, "post", path, world.manager, {**body, "venue_room": rooms["desk"].pk}).status_code == 400


def test_event_list_queries_do_not_grow_with_rooms(client, world, rooms):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EventFactory(city=world.city, venue_room=rooms["room"])
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("programs:event_list")).status_code == 200
    for _ in range(4):
        EventFactory(city=world.city, venue_room=ResourceFactory(kind="room", capacity=30))
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("programs:event_list")).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
