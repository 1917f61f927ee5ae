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


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class PageGuard:
    """What a browser test's page did wrong: requests to a foreign host (aborted), responses with a
    status of `fail_from` or more, script errors; and the fonts it loaded."""

    def __init__(self, fail_from: int):
        self.fail_from = fail_from
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.fonts: list[str] = []

    def route(self, route):
        from urllib.parse import urlsplit

        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.foreign.append(url)
            route.abort()
            return
        route.continue_()

    def response(self, response):
        if response.status >= self.fail_from:
            self.failed.append(f"{response.status} {response.url}")
        if response.url.endswith(".woff2"):
            self.fonts.append(response.url)

    def check(self):
        assert self.foreign == [], f"requests left the platform: {self.foreign}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.errors == [], f"script errors: {self.errors}"


def _sign_in(page, user):
    """Sign `user` in on the Persian login page (the factories' password), signing out first."""
    from hamafza.accounts.tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{page.base}/fa/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit], main form button").last.click()
    page.wait_for_load_state()


def _shot(page, name):
    """A full-page screenshot to var/screenshots/<name>.png."""
    from config.settings.env import VAR_DIR

    folder = VAR_DIR / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def page_factory(browser, live_server):
    """Open a guarded page (offline: only the live server is reached) in a new browser context:
    ``page_factory(locale="fa-IR", width=1280, height=1000, fail_from=500)``. ``page.base`` is the
    live server's address, ``page.guard`` what went wrong (the test fails on any of it),
    ``page.sign_in(user)`` signs a factory user in and ``page.shot(name)`` takes a screenshot."""
    opened = []

    def open_page(*, locale="fa-IR", width=1280, height=1000, fail_from=500):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        guard = PageGuard(fail_from)
        page = context.new_page()
        page.route("**/*", guard.route)
        page.on("response", guard.response)
        page.on("pageerror", lambda exc: guard.errors.append(str(exc)))
        page.base = live_server.url.replace("localhost", "127.0.0.1")
        page.guard = guard
        page.sign_in = lambda user: _sign_in(page, user)
        page.shot = lambda name: _shot(page, name)
        opened.append((context, guard))
        return page

    yield open_page
    for context, _guard in opened:
        context.close()
    for _context, guard in opened:
        guard.check()


@pytest.fixture
def page(page_factory):
    """A guarded page in Persian (the browser tests of every app use it)."""
    return page_factory()


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
