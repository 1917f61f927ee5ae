import io

import pytest

from hamafza.spaces import demo
from hamafza.spaces.models import Booking, OpeningHours, Resource, Space

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_demo(settings, tmp_path):
    from hamafza.accounts import demo as accounts_demo
    from hamafza.core import demo as core_demo
    from hamafza.directory import demo as directory_demo

    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    out = io.StringIO()
    for step in (core_demo, accounts_demo, directory_demo):
        step.load(stdout=out)
    return out


def test_demo_has_the_tabriz_space_and_is_idempotent(base_demo):
    demo.load(stdout=base_demo)
    space = Space.objects.get(slug=demo.SLUG)
    assert space.city.slug == "tabriz" and space.unit.slug == "innovation" and space.owner == "unit"
    assert space.resources.filter(kind="desk").count() == 6 and space.resources.filter(kind="room").count() == 2
    assert sorted(space.opening_hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 5, 6]  # Friday closed
    assert Booking.objects.filter(resource__space=space, booked_by__email=demo.MEMBER).count() == 3
    counts = [m.history.count() for m in (Space, Resource, OpeningHours, Booking)]
    demo.load(stdout=base_demo)
    assert [m.history.count() for m in (Space, Resource, OpeningHours, Booking)] == counts
    assert "spaces: 1 co-working space in Tabriz" in base_demo.getvalue()
