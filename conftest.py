"""Shared pytest fixtures. Test data comes from the factories in each app's tests/factories.py."""

import pytest


@pytest.fixture
def city(db):
    from hamafza.core.tests.factories import CityFactory

    return CityFactory(slug="qom", name_fa="قم", name_en="Qom", province="Qom")


@pytest.fixture
def other_city(db):
    from hamafza.core.tests.factories import CityFactory

    return CityFactory(slug="karaj", name_fa="کرج", name_en="Karaj", province="Alborz")
