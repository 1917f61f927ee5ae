"""Every demo role's workspace in a real browser (Debian's Chromium through Playwright), issue 18.

The demo data is loaded; each role signs in through the login form, lands on its workspace and
must see its panels with next actions, in Persian and in English, at 1280 px. The main navigation
must stay on one line there (every top-level entry on the same row, the bar no taller than one
row); at 1000 px it is either still one line or collapsed into its toggler, whose opened list stays
on screen (ADR 0025). On a 390 px phone in Persian, every opened menu must stay on screen. Screenshots of each
workspace go to var/screenshots/workspace-<role>-<language>-1280.png.
"""

import os
from io import StringIO

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.core.management import call_command  # noqa: E402

from config.settings.env import VAR_DIR  # noqa: E402
from tests.browser_demo import demo_sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = VAR_DIR / "screenshots"

# (account, the panels its workspace must show, whether the demo gives it rows to act on)
PERSONAL_PANELS = {"my-registrations", "team-milestones", "my-bookings"}
ROLES = [
    ("manager.qom", ["triage", "definition", "closing", "scoring", "overdue-milestones", "obligations"], True),
    ("staff.qom.waste", ["unit-needs", "unit-calls", "milestones-review"], True),
    # the facilitator works for a problem-definition firm: its organization's panels follow
    ("facilitator.tehran", ["canvases", "calls-for-you", "proposals", "invitations", "followed"], True),
    ("judge.qom", ["judging"], True),
    ("org.admin", ["calls-for-you", "proposals", "invitations", "followed"], True),
    ("org.member", ["calls-for-you", "proposals", "invitations", "followed"], True),
    ("citizen", ["reports", "followed"], True),
    ("expert", ["judging"], True),
]

ONE_LINE = """() => {
  const bar = document.querySelector('#main-navbar');
  const tops = [...bar.querySelectorAll('.navbar-brand, .navbar-nav > li')]
    .map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
  return {height: bar.getBoundingClientRect().height, rows: new Set(tops.map(t => Math.round(t / 8))).size,
          spread: Math.max(...tops) - Math.min(...tops)};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=StringIO())


def _context(browser, width, height=900):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(90_000)  # a loaded shared machine: slow is not a failure here
    return context


def _login(page, base, account):
    demo_sign_in(page, base, f"{account}@demo.hamafza.ir")
    assert page.url.endswith("/fa/workspace/"), f"{account} landed on {page.url}"


def _assert_one_line(page, where):
    nav = page.evaluate(ONE_LINE)
    assert nav["spread"] <= 8 and nav["height"] < 70, f"{where}: the navigation wraps ({nav})"


TOGGLER_SHOWN = "() => getComputedStyle(document.querySelector('#main-navbar .navbar-toggler')).display !== 'none'"
OPENED_ITEMS = """() => [...document.querySelectorAll('#main-nav .navbar-nav > li')]
  .map(e => { const r = e.getBoundingClientRect(); return [Math.floor(r.left), Math.ceil(r.right)]; })"""


def _assert_fits(page, width, where):
    """At ``width`` the navigation is one line, or collapsed into the toggler (the bar one row: the
    brand and the toggler) whose opened list keeps every entry on screen without scrolling sideways."""
    page.set_viewport_size({"width": width, "height": 900})
    if not page.evaluate(TOGGLER_SHOWN):
        _assert_one_line(page, where)
        return
    height = page.evaluate("() => document.querySelector('#main-navbar').getBoundingClientRect().height")
    assert height < 70, f"{where}: the collapsed bar is {height} px high"
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    for left, right in page.evaluate(OPENED_ITEMS):
        assert left >= 0 and right <= width, f"{where}: an entry of the opened menu is off-screen ({left}, {right})"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{where}: scrolls sideways"
    page.click(".navbar-toggler")
    page.wait_for_function("() => !document.querySelector('#main-nav').matches('.show, .collapsing')")


def test_each_role_lands_on_its_workspace_with_next_actions(browser, live_server, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    for account, panels, has_rows in ROLES:
        context = _context(browser, 1280)
        page = context.new_page()
        _login(page, base, account)
        for language in ("fa", "en"):
            page.goto(f"{base}/{language}/workspace/")
            shown = page.eval_on_selector_all("[data-panel]", "els => els.map(e => e.dataset.panel)")
            # the role's panels first, in order; after them only the panels every signed-in person may
            # have (their event registrations, cohort milestones and bookings), shown when they have rows
            assert shown[: len(panels)] == panels, f"{account} ({language}): {shown}"
            assert set(shown[len(panels) :]) <= PERSONAL_PANELS, f"{account} ({language}): {shown}"
            links = page.locator(".workspace-panel a[href]")
            assert links.count() >= len(panels), f"{account} ({language}): a panel offers no next action"
            if has_rows:
                assert page.locator(".workspace-panel .list-group-item").count() >= 1, f"{account}: nothing to act on"
            assert page.locator("html").get_attribute("lang") == language
            _assert_one_line(page, f"{account} ({language})")
            page.screenshot(path=str(SCREENSHOTS / f"workspace-{account}-{language}-1280.png"), full_page=True)
            _assert_fits(page, 1000, f"{account} ({language}) at 1000 px")
            page.set_viewport_size({"width": 1280, "height": 900})
        # the first next action opens without an error
        first = page.locator(".workspace-panel .list-group-item a[href]").first
        if first.count():
            response = page.goto(base + first.get_attribute("href"))
            assert response.status < 400, f"{account}: {first.get_attribute('href')} answered {response.status}"
        context.close()


def test_visitor_home_and_phone_menus(browser, live_server, demo):
    """The home page lists open challenges and results; on a phone in RTL, opened menus stay on screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, 1280)
    page = context.new_page()
    for language in ("fa", "en"):
        page.goto(f"{live_server.url}/{language}/")
        shown = page.eval_on_selector_all("[data-panel]", "els => els.map(e => e.dataset.panel)")
        assert shown == ["open-challenges", "results"]
        assert page.locator("[data-panel=open-challenges] .list-group-item").count() >= 1
        _assert_one_line(page, f"visitor ({language})")
        page.screenshot(path=str(SCREENSHOTS / f"workspace-visitor-{language}-1280.png"), full_page=True)
        _assert_fits(page, 1000, f"visitor ({language}) at 1000 px")
        page.set_viewport_size({"width": 1280, "height": 900})
    context.close()

    context = _context(browser, 390, 844)
    page = context.new_page()
    _login(page, live_server.url, "manager.qom")
    page.goto(f"{live_server.url}/fa/workspace/")
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    toggles = page.locator("#main-nav .dropdown-toggle")
    assert toggles.count() >= 2
    for i in range(toggles.count()):
        toggles.nth(i).click()
        box = page.locator("#main-nav .dropdown-menu.show").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, f"menu {i} off-screen: {box}"
        toggles.nth(i).click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
