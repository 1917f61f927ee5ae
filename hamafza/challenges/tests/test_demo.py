import io

import pytest

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges import demo
from hamafza.challenges.models import Call, CallTransition, Need
from hamafza.challenges.tests.i18n import fa
from hamafza.core.tests.factories import CityFactory, UnitFactory
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def test_demo_creates_every_stage_and_is_idempotent():
    qom = CityFactory(slug="qom", province="Qom")
    karaj = CityFactory(slug="karaj", province="Alborz")
    tabriz = CityFactory(slug="tabriz", province="East Azerbaijan")
    CityFactory(slug="tehran", province="Tehran")  # no manager: skipped
    for city, unit_slug in ((qom, "waste"), (karaj, "beautification"), (tabriz, "ict")):
        for slug in {"waste", "transport", "innovation", "beautification", "ict"}:
            UnitFactory(city=city, slug=slug)
        user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
        user_with_role(CityRole.Role.UNIT_STAFF, city, unit=city.units.get(slug=unit_slug))
    OrganizationMembershipFactory(organization=OrganizationFactory(province="Qom"))
    OrganizationFactory(province="Alborz")
    UserFactory()  # a citizen
    out = io.StringIO()
    demo.load(stdout=out)
    states = set(Call.objects.values_list("state", flat=True))
    assert states == set(Call.State.values) - {"draft"}  # Tehran (the draft) was skipped
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses == {"draft", "moderation", "submitted", "accepted", "rejected"}
    assert fa("Challenges: skipped %(cities)s (no such city or no innovation manager there)", cities="tehran") in (
        out.getvalue()
    )
    closed = Call.objects.get(state="closed")
    assert closed.transitions.filter(to_state="closed", by=None).exists()
    assert Call.objects.get(state="results_published").results.filter(outcome="awarded").exists()
    published = Call.objects.filter(state="published", city=qom).get()
    assert published.questions.filter(is_published=True).count() == 1
    counts = (Call.objects.count(), Need.objects.count(), CallTransition.objects.count())
    demo.load(stdout=io.StringIO())
    assert (Call.objects.count(), Need.objects.count(), CallTransition.objects.count()) == counts
