"""The managers' pages of co-working spaces, per role: create a space (run by the city, a unit or an
organization) with its weekly hours, change it, add and change desks and rooms with their rules,
deactivate one; bad input keeps what was typed with Persian messages; the API creates spaces too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from hamafza.core.tests.factories import UnitFactory
from hamafza.programs.tests.test_api import call_api
from hamafza.spaces.models import Resource, Space

pytestmark = pytest.mark.django_db


def url(name, *args):
    with translation.override("fa"):
        return reverse(f"spaces:{name}", args=args)


def _space_form(**extra):
    data = {
        "name_fa": "فضای کار اشتراکی ولیعصر",
        "name_en": "Valiasr co-working",
        "address": "تبریز، خیابان ولیعصر",
        "is_active": "on",
        "open_5": "۰۸:۰۰",
        "close_5": "۱۷:۰۰",
        "open_6": "8",
        "close_6": "13:30",
    }
    data.update(extra)
    return data


def _resource_form(**extra):
    data = {
        "kind": "room",
        "name_fa": "اتاق آموزش",
        "capacity": "۲۴",
        "slot_minutes": "60",
        "max_booking_minutes": "۱۸۰",
        "book_ahead_days": "۳۰",
        "min_notice_minutes": "",
        "is_active": "on",
    }
    data.update(extra)
    return data


def test_create_space_per_role(client, world):
    page = url("space_create", "tabriz")
    assert client.get(page).status_code == 302
    for user in (world.someone, world.other_manager, world.staff, world.org_member):
        client.force_login(user)
        assert client.get(page).status_code == 403, user
        assert client.post(page, _space_form()).status_code == 403
    assert not Space.objects.filter(name_en="Valiasr co-working").exists()
    client.force_login(world.manager)
    assert url("space_create", "tabriz") in client.get(url("city_space_list", "tabriz")).content.decode()
    response = client.post(page, _space_form())
    assert response.status_code == 302
    space = Space.objects.get(name_en="Valiasr co-working")
    assert (space.city, space.owner, space.slug) == (world.tabriz, "city", "valiasr-co-working")
    hours = {row.weekday: (row.opens, row.closes) for row in space.opening_hours.all()}
    assert hours == {5: (datetime.time(8), datetime.time(17)), 6: (datetime.time(8), datetime.time(13, 30))}
    assert response["Location"] == url("resource_create", space.slug)


def test_organization_admin_creates_a_space_its_organization_runs(client, world):
    client.force_login(world.org_admin)
    page = client.get(url("space_create", "tabriz")).content.decode()
    assert f'value="org:{world.incubator.pk}"' in page and 'value=""' not in page.split('name="run_by"')[1][:300]
    response = client.post(url("space_create", "tabriz"), _space_form(run_by=f"org:{world.incubator.pk}"))
    assert response.status_code == 302
    assert Space.objects.get(name_en="Valiasr co-working").organization == world.incubator
    # The city itself is not theirs to choose.
    assert client.post(url("space_create", "tabriz"), _space_form(run_by="")).status_code == 400


def test_manager_runs_a_space_by_a_unit(client, world):
    unit = UnitFactory(city=world.tabriz)
    client.force_login(world.manager)
    assert client.post(url("space_create", "tabriz"), _space_form(run_by=f"unit:{unit.pk}")).status_code == 302
    assert Space.objects.get(name_en="Valiasr co-working").unit == unit


def test_bad_space_input_keeps_the_form(client, world):
    client.force_login(world.manager)
    response = client.post(
        url("space_create", "tabriz"), _space_form(name_fa="نام نگه‌داشته", close_5="۰۷:۰۰", open_6="25")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "نام نگه‌داشته" in page and "invalid-feedback" in page
    assert not Space.objects.filter(name_fa="نام نگه‌داشته").exists()


def test_edit_space_and_hours_per_role(client, world):
    page = url("space_edit", world.space.slug)
    for user, status in ((world.someone, 403), (world.other_manager, 403), (world.org_member, 403)):
        client.force_login(user)
        assert client.get(page).status_code == status
    for user in (world.manager, world.org_admin, world.admin):
        client.force_login(user)
        form = client.get(page).content.decode()
        assert "۰۸:۰۰" in form and world.space.name_fa in form  # Persian digits for the hours
    client.force_login(world.org_admin)
    response = client.post(page, _space_form(name_fa="فضای تازه", is_active=""))
    assert response.status_code == 302
    world.space.refresh_from_db()
    assert world.space.name_fa == "فضای تازه" and not world.space.is_active
    assert sorted(world.space.opening_hours.values_list("weekday", flat=True)) == [5, 6]
    assert world.space.history.first().name_fa == "فضای تازه"


def test_space_page_links_managers_to_the_forms(client, world):
    client.force_login(world.someone)
    assert url("space_edit", world.space.slug) not in client.get(url("space_detail", world.space.slug)).content.decode()
    client.force_login(world.manager)
    page = client.get(url("space_detail", world.space.slug)).content.decode()
    assert url("space_edit", world.space.slug) in page and url("resource_create", world.space.slug) in page
    assert url("resource_edit", world.space.slug, world.desk.pk) in page


def test_add_edit_and_deactivate_a_resource_per_role(client, world):
    add = url("resource_create", world.space.slug)
    for user in (world.someone, world.org_member, world.other_manager):
        client.force_login(user)
        assert client.post(add, _resource_form()).status_code == 403
    client.force_login(world.org_admin)
    assert client.post(add, _resource_form()).status_code == 302
    room = Resource.objects.get(name_fa="اتاق آموزش")
    assert (room.kind, room.capacity, room.slot_minutes, room.max_booking_minutes, room.book_ahead_days) == (
        "room",
        24,
        60,
        180,
        30,
    )
    edit = url("resource_edit", world.space.slug, room.pk)
    assert "۱۸۰" in client.get(edit).content.decode()
    bad = client.post(edit, _resource_form(capacity="۰", name_fa="نام تازه"))
    assert bad.status_code == 400 and "نام تازه" in bad.content.decode()
    assert client.post(edit, _resource_form(capacity="۱۰")).status_code == 302
    room.refresh_from_db()
    assert room.capacity == 10
    client.force_login(world.someone)
    assert client.post(url("resource_deactivate", world.space.slug, room.pk)).status_code == 403
    client.force_login(world.manager)
    assert client.post(url("resource_deactivate", world.space.slug, room.pk)).status_code == 302
    room.refresh_from_db()
    assert not room.is_active
    public = client.get(url("space_detail", world.space.slug))
    assert "اتاق آموزش" in public.content.decode()  # managers still see it, marked
    client.logout()
    assert "اتاق آموزش" not in client.get(url("space_detail", world.space.slug)).content.decode()


def test_api_creates_a_space_per_role(client, world):
    body = {
        "name_fa": "فضای کار دانشگاه",
        "name_en": "University co-working",
        "organization": world.incubator.slug,
        "opening_hours": [{"weekday": 5, "opens": "08:00", "closes": "16:00"}],
    }
    assert call_api(client, "post", "/cities/tabriz/spaces", world.org_member, body).status_code == 403
    assert (
        call_api(
            client, "post", "/cities/tabriz/spaces", world.other_manager, {**body, "organization": None}
        ).status_code
        == 403
    )
    created = call_api(client, "post", "/cities/tabriz/spaces", world.org_admin, body)
    assert created.status_code == 201, created.content
    assert created.json()["organization"] == world.incubator.slug and created.json()["opening_hours"][0]["weekday"] == 5
    assert call_api(client, "post", "/cities/nowhere/spaces", world.org_admin, body).status_code == 404
