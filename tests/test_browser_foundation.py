"""The foundation in a real browser (Debian's Chromium through Playwright), offline.

Home, directory, a search typed with Arabic letters and an organization page, in Persian and in
English. Every request must stay on the platform's own host; the Persian pages must be right to
left and actually render in the vendored Vazirmatn font. Screenshots go to var/screenshots/.
"""

import os
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the factories below still touch the
# database synchronously, which Django would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from config.settings.env import VAR_DIR  # noqa: E402
from hamafza.core.tests.factories import CapabilityFactory, DomainFactory  # noqa: E402
from hamafza.directory.models import OrganizationKind  # noqa: E402
from hamafza.directory.tests.factories import OrganizationFactory  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = VAR_DIR / "screenshots"


@pytest.fixture
def page(page_factory):
    # A browser on an English system: the platform must still start in Persian.
    return page_factory(locale="en-US", height=900, fail_from=400)


@pytest.fixture
def orgs(transactional_db):
    waste = CapabilityFactory(
        domain=DomainFactory(code="waste", name_fa="پسماند", name_en="Waste"),
        code="waste.sorting",
        name_fa="تفکیک پسماند",
        name_en="Waste sorting",
    )
    traffic = CapabilityFactory(
        domain=DomainFactory(code="transport", name_fa="حمل و نقل", name_en="Transport"),
        code="transport.sensing",
        name_fa="پایش ترافیک",
        name_en="Traffic sensing",
    )
    persian = OrganizationFactory(
        slug="fanavaran-pak",
        name="فناوران پاک",
        name_en="",
        kind=OrganizationKind.KNOWLEDGE_BASED,
        province="Qom",
        city_name="قم",
        knowledge_based=True,
        certificate_number="1402-55",
        founded=2019,  # stored Gregorian, shown as the Jalali year (issue 18)
        employees=1250,
        description_fa="شرکت‌های دانش‌بنیان با تفکیک پسماند در مبدأ هزینه شهر را کم می‌کنند.",
        description_en="",
        capabilities=[waste],
    )
    english = OrganizationFactory(
        slug="smart-signals",
        name="سیگنال هوشمند",
        name_en="Smart Signals",
        kind=OrganizationKind.STARTUP,
        province="Alborz",
        city_name="Karaj",
        description_fa="",
        description_en="Adaptive traffic signals and intersection sensors for mid-sized cities.",
        capabilities=[traffic],
    )
    OrganizationFactory(slug="third", name="دانشگاه نمونه", kind=OrganizationKind.UNIVERSITY, capabilities=[waste])
    return {"persian": persian, "english": english}


def _html_attrs(page) -> tuple[str, str]:
    return tuple(page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]"))


def _font_state(page) -> dict:
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            return {
                family: getComputedStyle(document.body).fontFamily,
                check: document.fonts.check('16px Vazirmatn'),
                loaded: [...document.fonts].some(
                    f => f.family.replace(/["']/g, '') === 'Vazirmatn' && f.status === 'loaded'),
            };
        }"""
    )


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_persian_pages(page, live_server, orgs):
    page.goto(live_server.url + "/")
    assert urlsplit(page.url).path == "/fa/"
    assert _html_attrs(page) == ("fa", "rtl")
    font = _font_state(page)
    assert "Vazirmatn" in font["family"]
    assert font["check"] is True
    assert font["loaded"] is True, "the Vazirmatn web font did not load"
    assert any("Vazirmatn" in url for url in page.guard.fonts)
    assert page.locator("#home-q").is_visible()
    _shot(page, "fa-home")

    page.goto(live_server.url + "/fa/organizations/")
    assert _html_attrs(page) == ("fa", "rtl")
    cards = page.locator("article.org-card")
    assert cards.count() == 3
    # the result count is written with Persian digits
    assert "۳" in page.locator("#result-count").inner_text()
    _shot(page, "fa-directory")

    # a search typed with Arabic ي and ك and without half-spaces, from the home page's box
    page.goto(live_server.url + "/fa/")
    page.fill("#home-q", "شركتهاي دانشبنيان")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/fa/organizations/?q=*")
    titles = page.locator("article.org-card h2").all_inner_texts()
    assert [t.strip() for t in titles] == ["فناوران پاک"]
    _shot(page, "fa-search")

    page.click("text=فناوران پاک")
    page.wait_for_url("**/fa/organizations/fanavaran-pak/")
    assert _html_attrs(page) == ("fa", "rtl")
    body = page.locator("main").inner_text()
    assert "تفکیک پسماند" in body
    assert "۱۳۹۸" in body  # founding year in Persian digits
    assert "۱٬۲۵۰" in body  # employees with a Persian thousands separator
    assert "Vazirmatn" in _font_state(page)["family"]
    _shot(page, "fa-organization")


def test_english_pages(page, live_server, orgs):
    page.goto(live_server.url + "/fa/")
    page.click("button[name=language][value=en]")
    page.wait_for_url("**/en/")
    assert _html_attrs(page) == ("en", "ltr")
    assert page.locator("link[href*='bootstrap.min.css']").count() == 1
    _shot(page, "en-home")

    page.goto(live_server.url + "/en/organizations/?kind=startup")
    titles = page.locator("article.org-card h2").all_inner_texts()
    assert [t.strip() for t in titles] == ["Smart Signals"]
    _shot(page, "en-directory")

    page.goto(live_server.url + "/en/organizations/?q=ADAPTIVE+signals")
    assert page.locator("article.org-card").count() == 1

    page.click("text=Smart Signals")
    page.wait_for_url("**/en/organizations/smart-signals/")
    assert _html_attrs(page) == ("en", "ltr")
    body = page.locator("main").inner_text()
    assert "Traffic sensing" in body
    assert "Adaptive traffic signals" in body
    _shot(page, "en-organization")

    # the choice sticks: the bare address now opens the English site
    page.goto(live_server.url + "/")
    assert urlsplit(page.url).path == "/en/"


def test_a_bad_filter_shows_a_page_in_the_browser(page, live_server, orgs):
    response = page.goto(live_server.url + "/fa/organizations/?page=abc")
    assert response.status == 400
    assert _html_attrs(page) == ("fa", "rtl")
    assert page.locator(".alert-danger").is_visible()
    page.guard.failed.clear()  # the 400 above is the expected answer

    response = page.goto(live_server.url + "/fa/no-such-page/")
    assert response.status == 404
    assert page.locator("main h1").is_visible()
    assert "۴۰۴" in page.locator("main").inner_text()
    page.guard.failed.clear()
    _shot(page, "fa-404")
