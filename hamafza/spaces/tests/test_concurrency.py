"""50 people at the same slot at the same moment: exactly one gets it, the others are told why —
through the service and through the API. On PostgreSQL the attempts run in 50 threads, each with
its own database connection, released together by a barrier; the exclusion constraint decides."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import translation

from hamafza.accounts.services import api_token_create
from hamafza.accounts.tests.factories import UserFactory
from hamafza.spaces import services
from hamafza.spaces.models import Booking
from hamafza.spaces.tests.factories import ResourceFactory, tomorrow_at

ATTEMPTS = 50

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections: the PostgreSQL run"),
]


def _race(work, arguments):
    barrier = threading.Barrier(len(arguments))

    def run(argument):
        try:
            barrier.wait(timeout=60)
            return work(argument)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(arguments)) as pool:
        return list(pool.map(run, arguments))


def test_fifty_concurrent_bookings_of_one_slot_one_succeeds():
    desk = ResourceFactory(name_fa="میز پنجره")
    users = [UserFactory() for _ in range(ATTEMPTS)]

    def attempt(user):
        with translation.override("fa"):
            try:
                services.booking_create(resource=desk, by=user, starts_at=tomorrow_at(10), ends_at=tomorrow_at(12))
            except services.SlotTaken as exc:
                return exc.reasons[0]
        return "booked"

    results = _race(attempt, users)
    assert results.count("booked") == 1
    refusals = [r for r in results if r != "booked"]
    assert len(refusals) == ATTEMPTS - 1
    assert all("میز پنجره" in r and "۱۰:۰۰–۱۲:۰۰" in r for r in refusals)
    assert Booking.objects.filter(resource=desk, state="confirmed").count() == 1


def test_fifty_concurrent_api_requests_for_one_slot_one_201():
    room = ResourceFactory(kind="room", capacity=8, name_en="Meeting room")
    keys = [api_token_create(user=UserFactory(), name="race")[1] for _ in range(ATTEMPTS)]
    body = {"resource": room.pk, "starts_at": tomorrow_at(14).isoformat(), "ends_at": tomorrow_at(15).isoformat()}

    def attempt(key):
        response = Client().post(
            "/api/v1/bookings",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "Accept-Language": "en"},
        )
        return response.status_code, response.json()

    results = _race(attempt, keys)
    statuses = [status for status, _body in results]
    assert statuses.count(201) == 1
    assert statuses.count(409) == ATTEMPTS - 1
    for status, problem in results:
        if status == 409:
            assert problem["code"] == "slot_taken"
            assert "Meeting room is already booked" in problem["detail"] and "14:00–15:00" in problem["detail"]
    assert Booking.objects.filter(resource=room, state="confirmed").count() == 1
