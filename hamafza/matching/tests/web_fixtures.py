"""Fixtures of the matching pages, services and API tests (imported by those test modules).

Every test gets its own index directory (``settings.MATCHING_INDEX_DIR = tmp_path``) and the
engine without embeddings, so tests neither share an index nor spend time on the e5 model."""

import datetime

import pytest
from django.utils import timezone

from hamafza.accounts.models import CityRole
from hamafza.accounts.tests.factories import UserFactory, user_with_role
from hamafza.challenges.models import Call, Canvas
from hamafza.challenges.tests.factories import PublishedCallFactory
from hamafza.core.models import Capability
from hamafza.core.services import taxonomy_load
from hamafza.core.tests.factories import UnitFactory
from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

FAR = datetime.date.today() + datetime.timedelta(days=3650)


@pytest.fixture
def index_dir(settings, tmp_path):
    from hamafza.matching import call_index, services

    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    settings.MATCHING_USE_EMBEDDINGS = False
    # the open calls' index is one per process: another test file in this worker may have built it
    call_index.open_call_index().clear()
    yield settings.MATCHING_INDEX_DIR
    services.index_holder().close()
    call_index.open_call_index().clear()


@pytest.fixture
def taxonomy_db(db):
    """The bundled taxonomy in the database (what `manage.py load_taxonomy` does)."""
    taxonomy_load()
    return {c.code: c for c in Capability.objects.all()}


@pytest.fixture
def unit(city):
    return UnitFactory(city=city, slug="water", name_fa="شرکت آب و فاضلاب", name_en="Water and sewage")


@pytest.fixture
def manager(city):
    return user_with_role(CityRole.Role.INNOVATION_MANAGER, city, email="manager@example.org")


@pytest.fixture
def other_manager(other_city):
    return user_with_role(CityRole.Role.INNOVATION_MANAGER, other_city, email="manager2@example.org")


@pytest.fixture
def orgs(city, taxonomy_db):
    """A small directory: two leak-detection organizations (one in Qom, declared, English; one in
    Tehran, Persian, knowledge-based, capability only inferred), a distractor and a waste company."""
    return {
        "leak_qom": OrganizationFactory(
            slug="leak-qom",
            name="نشت‌یاب قم",
            name_en="LeakFinder Qom",
            kind=OrganizationKind.STARTUP,
            province="Qom",
            city_name="Qom",
            city=city,
            description_fa="",
            description_en="Acoustic leak detection and non-revenue water reduction for city water networks.",
            capabilities=[taxonomy_db["water.leak"]],
        ),
        "leak_tehran": OrganizationFactory(
            slug="leak-tehran",
            name="آب‌پویان",
            name_en="",
            kind=OrganizationKind.KNOWLEDGE_BASED,
            province="Tehran",
            city_name="تهران",
            knowledge_based=True,
            certificate_number="1402-77",
            certificate_valid_until=FAR,
            description_fa="تشخیص نشت لوله‌های آب شهری با حسگرهای صوتی و کاهش آب بدون درآمد در شبکه توزیع.",
            description_en="",
        ),
        "seo": OrganizationFactory(
            slug="seo-agency",
            name="سئو پلاس",
            name_en="SEO Plus",
            kind=OrganizationKind.SME,
            province="Qom",
            city_name="Qom",
            description_fa="",
            description_en="SEO agency: we bring more traffic to your website and online shop.",
        ),
        "waste": OrganizationFactory(
            slug="waste-co",
            name="پاک‌شهر",
            name_en="Clean City",
            kind=OrganizationKind.STARTUP,
            province="Qom",
            city_name="Qom",
            description_fa="تفکیک پسماند از مبدأ و بازیافت در مدرسه‌ها",
            description_en="",
            capabilities=[taxonomy_db["waste.sorting"]],
        ),
    }


def water_call(city, unit, background="شبکه توزیع آب شهر قدیمی است و لوله‌ها زیر فشار می‌ترکند.", **kwargs):
    values = {
        "city": city,
        "unit": unit,
        "title": "کاهش هدررفت آب در شبکه توزیع",
        "description": "لوله‌ها در خیابان‌های قدیمی می‌ترکند و آب زیادی هدر می‌رود؛ نشت را زودتر پیدا کنیم.",
        "closes_at": timezone.now() + datetime.timedelta(days=20),
    }
    values.update(kwargs)
    call = PublishedCallFactory(**values)
    Canvas.objects.filter(call=call).update(
        background=background,
        affected="ساکنان خانه‌های قدیمی",
    )
    return Call.objects.select_related("city", "canvas").get(pk=call.pk)


@pytest.fixture
def call(city, unit, orgs):
    return water_call(city, unit)


@pytest.fixture
def member(orgs):
    user = UserFactory(email="member@example.org")
    OrganizationMembershipFactory(organization=orgs["leak_qom"], user=user)
    return user
