"""The stored figures (summary table): served while fresh, recomputed when stale or by the task,
with their time on the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import user_with_role
from hamafza.insights import dashboards, tasks
from hamafza.insights.models import FigureSnapshot
from hamafza.insights.periods import Period
from hamafza.insights.selectors import Filters
from hamafza.insights.tests.conftest import at
from hamafza.proposals.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def funnel_counts(response):
    return [r["count"] for r in next(t for t in response.context["figures"] if t.slug == "funnel").rows]


def test_fresh_figures_are_read_from_one_row(client, world, city, django_assert_max_num_queries):
    client.force_login(user_with_role(CityRole.Role.INNOVATION_MANAGER, city))
    url = reverse("insights:city_dashboard", args=[city.slug])
    first = client.get(url)
    assert FigureSnapshot.objects.count() == 1
    assert 'id="freshness"' in first.content.decode()
    CallFactory(city=city, unit=world["u1"], published_at=at(2025, 10, 1))  # a new call
    with django_assert_max_num_queries(12):  # session, user, roles, years, the stored row, navigation
        second = client.get(url)
    assert funnel_counts(second) == funnel_counts(first)  # the stored figures, not yet the new call
    assert second.context["computed_at"] == first.context["computed_at"]
    # Older than INSIGHTS_SNAPSHOT_MAX_AGE: the page computes them again.
    FigureSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(hours=2))
    third = client.get(url)
    assert funnel_counts(third)[1] == funnel_counts(first)[1] + 1
    assert third.context["computed_at"] > first.context["computed_at"]


def test_the_task_refreshes_defaults_and_selections_in_use(world, city, other_city, settings):
    settings.LANGUAGE_CODE = "fa"
    dashboards.refresh(Filters(city=city, period=Period(1404), domain=world["a"]), language="en")
    n = tasks.refresh_snapshots()
    keys = set(FigureSnapshot.objects.values_list("key", flat=True))
    assert n == len(keys) == 4  # the nation, Qom, Karaj (in fa) and the stored selection (en)
    assert dashboards.snapshot_key(Filters(), language="fa") in keys
    assert dashboards.snapshot_key(Filters(city=city, period=Period(1404), domain=world["a"]), language="en") in keys
    snapshot = FigureSnapshot.objects.get(key=dashboards.snapshot_key(Filters(city=city), language="fa"))
    assert next(t for t in snapshot.data if t["slug"] == "funnel")["title"] == "قیف فرایند"


def test_keys_round_trip_and_vanished_objects(world, city):
    filters = Filters(city=city, period=Period(1404, 2), domain=world["a"], unit=world["u2"])
    key = dashboards.snapshot_key(filters, language="en")
    parsed, language = dashboards.filters_from_key(key)
    assert (parsed, language) == (filters, "en")
    assert dashboards.filters_from_key(key.replace(f"city={city.pk}", "city=999999")) is None
    assert dashboards.filters_from_key("v1|garbage") is None
