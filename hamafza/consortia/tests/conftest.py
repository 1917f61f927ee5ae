"""The world of the consortia web tests: a Qom mission with three roles (sorting, composting,
citizen app), organizations that fill them, and one user per role of the issue. Django is only
imported inside fixtures: test_optimizer.py runs without Django (``-p no:django``)."""

from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def _persian_active():
    """Every web test starts in Persian (a request to /en/ leaves English active in the thread).
    Nothing to do when Django is not configured (test_optimizer.py with ``-p no:django``)."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.utils import translation

    translation.activate("fa")
    yield
    translation.activate("fa")


@pytest.fixture
def engine_dir(settings, tmp_path):
    """A fresh index directory: the process-wide engine is rebuilt from this test's database on
    first use. Request it after the organizations exist."""
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    settings.MATCHING_USE_EMBEDDINGS = False
    yield settings.MATCHING_INDEX_DIR
    from hamafza.matching import services

    services.index_holder().close()


@pytest.fixture
def world(db, city, other_city):
    from hamafza.accounts.models import CityRole
    from hamafza.accounts.tests.factories import UserFactory, user_with_role
    from hamafza.consortia.tests.factories import MissionFactory, MissionRoleFactory
    from hamafza.core.tests.factories import CapabilityFactory, DomainFactory
    from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

    waste = DomainFactory(code="waste", name_fa="پسماند", name_en="Waste")
    smart = DomainFactory(code="smart", name_fa="شهر هوشمند", name_en="Smart city")
    sorting = CapabilityFactory(
        domain=waste, code="waste.sorting", name_fa="تفکیک پسماند", name_en="Waste sorting", synonyms_en=["recycling"]
    )
    organic = CapabilityFactory(
        domain=waste, code="waste.organic", name_fa="کمپوست", name_en="Composting", synonyms_en=["compost"]
    )
    app = CapabilityFactory(
        domain=smart, code="smart.citizen_app", name_fa="اپلیکیشن شهروندی", name_en="Citizen app", synonyms_en=["app"]
    )
    energy = DomainFactory(code="energy", name_fa="انرژی", name_en="Energy")
    nobody = CapabilityFactory(domain=energy, code="energy.solar", name_fa="انرژی خورشیدی", name_en="Solar energy")

    def org(slug, name, caps, **kw):
        kw.setdefault("province", "Qom")
        kw.setdefault("city_name", "Qom")
        return OrganizationFactory(slug=slug, name=name, name_en=name, capabilities=caps, **kw)

    lead = org(
        "lead-sorters", "Lead Sorters", [sorting, app], city=city, description_en="Waste sorting and a citizen app"
    )
    composter = org("green-compost", "Green Compost", [organic], description_en="Composting of organic waste")
    appmaker = org("app-makers", "App Makers", [app], description_en="Citizen app for city services")
    outsider = org(
        "far-sorters",
        "Far Sorters",
        [sorting],
        province="Tehran",
        city_name="Tehran",
        description_en="Waste sorting and recycling",
    )

    stranger = org("sun-works", "Sun Works", [nobody], description_en="Solar panels")

    mission = MissionFactory(city=city, title_fa="مأموریت پسماند قم", title_en="Qom waste mission")
    r_sort = MissionRoleFactory(mission=mission, code="sorting", name="Sorting", capabilities=[sorting], position=0)
    r_comp = MissionRoleFactory(mission=mission, code="compost", name="Composting", capabilities=[organic], position=1)
    r_app = MissionRoleFactory(mission=mission, code="app", name="Citizen app", capabilities=[app], position=2)

    def member_of(organization, role, email):
        return OrganizationMembershipFactory(organization=organization, user=UserFactory(email=email), role=role).user

    return SimpleNamespace(
        city=city,
        other_city=other_city,
        caps=SimpleNamespace(sorting=sorting, organic=organic, app=app, nobody=nobody),
        mission=mission,
        roles=SimpleNamespace(sorting=r_sort, compost=r_comp, app=r_app),
        lead=lead,
        composter=composter,
        appmaker=appmaker,
        outsider=outsider,
        manager=user_with_role(CityRole.Role.INNOVATION_MANAGER, city, email="manager@example.org"),
        other_manager=user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city, email="manager2@example.org"),
        admin=UserFactory(email="root@example.org", is_superuser=True, is_staff=True),
        lead_admin=member_of(lead, "admin", "lead.admin@example.org"),
        lead_member=member_of(lead, "member", "lead.member@example.org"),
        invited_admin=member_of(composter, "admin", "compost.admin@example.org"),
        invited_member=member_of(composter, "member", "compost.member@example.org"),
        stranger=stranger,
        uninvited_admin=member_of(stranger, "admin", "sun.admin@example.org"),
        outsider_admin=member_of(outsider, "admin", "far.admin@example.org"),
        app_admin=member_of(appmaker, "admin", "app.admin@example.org"),
    )
