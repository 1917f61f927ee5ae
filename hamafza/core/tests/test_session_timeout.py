"""Sessions end after the idle timeout and after the absolute timeout, whatever the activity."""

import pytest
from django.urls import reverse

from hamafza.accounts.tests.factories import PASSWORD, UserFactory
from hamafza.core import middleware


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(middleware.time, "time", clock)
    return clock


@pytest.fixture
def signed_in(client, db, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    user = UserFactory(email="timeout@example.org")
    assert client.login(username=user.email, password=PASSWORD)
    return user


def _signed_in(client) -> bool:
    response = client.get(reverse("accounts:profile"))
    return response.status_code == 200


def test_login_starts_both_clocks(client, signed_in, clock):
    session = client.session
    assert session[middleware.SESSION_STARTED_KEY] == int(clock.now)
    assert session[middleware.SESSION_SEEN_KEY] == int(clock.now)


def test_idle_session_is_signed_out(client, signed_in, clock):
    clock.now += 29 * 60
    assert _signed_in(client)
    clock.now += 29 * 60  # active 29 minutes ago: still in
    assert _signed_in(client)
    clock.now += 31 * 60
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert middleware.SESSION_STARTED_KEY not in client.session


def test_absolute_timeout_ends_an_active_session(client, signed_in, clock):
    for _ in range(12 * 4 + 2):  # a request every 15 minutes, never idle
        clock.now += 15 * 60
        if not _signed_in(client):
            break
    else:
        pytest.fail("the session outlived the absolute timeout")
    assert 12 * 3600 < clock.now - 1_800_000_000.0 <= 12 * 3600 + 15 * 60


def test_activity_is_written_at_most_once_a_minute(client, signed_in, clock):
    started = client.session[middleware.SESSION_SEEN_KEY]
    clock.now += 30
    assert _signed_in(client)
    assert client.session[middleware.SESSION_SEEN_KEY] == started
    clock.now += 40
    assert _signed_in(client)
    assert client.session[middleware.SESSION_SEEN_KEY] == int(clock.now)


def test_session_cookie_lives_no_longer_than_the_absolute_timeout(settings):
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE == live.SESSION_ABSOLUTE_TIMEOUT
