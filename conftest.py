"""Shared pytest fixtures. Test data comes from the factories in each app's tests/factories.py."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def city(db):
    from hamafza.core.tests.factories import CityFactory

    return CityFactory(slug="qom", name_fa="قم", name_en="Qom", province="Qom")


@pytest.fixture
def other_city(db):
    from hamafza.core.tests.factories import CityFactory

    return CityFactory(slug="karaj", name_fa="کرج", name_en="Karaj", province="Alborz")


@pytest.fixture(autouse=True)
def _reset_active_language():
    """A test that activates English must not leave it active for the next test in the worker."""
    yield
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.utils import translation

        translation.deactivate()
    except ImproperlyConfigured:  # pure-Python test runs without Django settings
        pass


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, for the tests marked `browser` (one per module)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached figures (e.g. the home page's organization counts, issue 19) must not leak from one
    test into the next (the test cache is a process-wide LocMemCache)."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.cache import cache

        cache.clear()
    except ImproperlyConfigured:  # pure-Python test runs without Django settings
        pass
    yield
