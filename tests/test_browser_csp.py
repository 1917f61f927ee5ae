"""The Content-Security-Policy in a real browser (Debian's Chromium through Playwright).

The demo data is loaded, then the main pages are visited as a visitor and as each main role, in
Persian and in English, following the links each page offers (a bounded crawl), with the CSP that
the settings send enforced by the browser. Any CSP violation the browser reports on the console,
any uncaught script error and any server error fails the test. On the pages with dynamic parts
the test also uses them (the Jalali date picker, htmx's completeness meter, the API docs page).
"""

import os
import re
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.core.management import call_command  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from tests.browser_demo import demo_sign_in  # noqa: E402

pytestmark = pytest.mark.browser

# Links the crawl does not follow: downloads, sign-out, the language switch and the admin's
# destructive or bulky pages.
SKIP = re.compile(r"logout|/download|/attachments/|\.(csv|xlsx|jsonl|pdf|docx|zip)(\?|$)|/delete/|/history/\d+|#")


class Recorder:
    def __init__(self):
        self.violations: list[str] = []
        self.errors: list[str] = []

    def console(self, url_of, msg):
        text = msg.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.violations.append(f"{url_of()}: {text[:300]}")

    def pageerror(self, url_of, error):
        self.errors.append(f"{url_of()}: {error}")

    def response(self, response):
        if response.status >= 500:
            self.errors.append(f"{response.status} {response.url}")


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=StringIO())


def _page(browser, recorder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)  # a loaded shared machine: slow is not a failure here
    page = context.new_page()
    page.on("console", lambda msg: recorder.console(lambda: page.url, msg))
    page.on("pageerror", lambda err: recorder.pageerror(lambda: page.url, err))
    page.on("response", recorder.response)
    return context, page


def _exercise(page):
    """Use what the page offers dynamically, so scripts that build DOM at run time are checked."""
    date_input = page.locator("input[data-jdp]:visible").first
    if date_input.count():
        date_input.click()
        page.wait_for_timeout(200)
        page.keyboard.press("Escape")
    token = page.locator("input[data-select-on-focus]").first
    if token.count():
        token.focus()
    canvas = page.locator("form[hx-post*='completeness'] textarea:visible").first
    if canvas.count():
        canvas.fill("پس‌زمینه‌ی آزمایشی برای سنجش کامل بودن")
        page.wait_for_timeout(900)
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if "/api/v1/docs" in page.url:
        page.wait_for_selector(".swagger-ui .opblock")


def _kind(path):
    """One page per view and language: /fa/organizations/a/ and /fa/organizations/b/ are one kind."""
    try:
        return path[:4], resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path, None


def _crawl(page, base, starts, limit):
    seen, queue, visited = set(), list(starts), []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        response = page.goto(base + path, wait_until="load")
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, f"{path}: CSP header is {csp!r}"
        visited.append(path)
        _exercise(page)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urljoin(base + path, href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(url):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen and (link.startswith("/fa/") or link.startswith("/en/") or link == "/api/v1/docs"):
                queue.append(link)
    return visited


ROLES = [
    (None, ["/fa/", "/en/", "/fa/organizations/?q=بازیافت", "/fa/taxonomy/", "/api/v1/docs"], 30),
    ("manager.qom@demo.hamafza.ir", ["/fa/c/qom/calls/", "/fa/c/qom/triage/", "/fa/accounts/profile/tokens/"], 30),
    ("staff.qom.waste@demo.hamafza.ir", ["/fa/c/qom/needs/new/"], 6),
    ("org.admin@demo.hamafza.ir", ["/fa/proposals/", "/fa/consortia/", "/fa/"], 20),
    ("judge.qom@demo.hamafza.ir", ["/fa/judging/"], 8),
    ("admin@demo.hamafza.ir", ["/fa/admin/", "/fa/admin/directory/organization/"], 6),
]


def test_main_pages_raise_no_csp_violation(browser, live_server, demo):
    from hamafza.challenges.models import Call

    base = live_server.url
    recorder = Recorder()
    visited = []
    call = Call.objects.filter(state="in_definition").select_related("city").order_by("pk").first()
    city = call.city.slug
    defining = (
        f"manager.{city}@demo.hamafza.ir",
        [f"/fa/c/{city}/calls/{call.pk}/canvas/", f"/fa/c/{city}/calls/{call.pk}/settings/", f"/fa/c/{city}/calls/"],
        8,
    )
    for email, starts, limit in [*ROLES, defining]:
        context, page = _page(browser, recorder)
        if email:
            demo_sign_in(page, base, email)
        visited += _crawl(page, base, starts, limit)
        context.close()
    # The crawl really reached the pages with scripts and dynamic parts.
    assert len(visited) >= 50, visited
    for expected in ("/api/v1/docs", "/fa/c/qom/needs/new/", "/fa/accounts/profile/tokens/"):
        assert expected in visited, expected
    assert any(re.search(r"/canvas/$", p) for p in visited), visited
    assert recorder.violations == [], "\n".join(recorder.violations)
    assert recorder.errors == [], "\n".join(recorder.errors)

    # The recorder does see a violation: an inline style attribute and an inline script are refused.
    context, page = _page(browser, recorder)
    page.goto(f"{base}/fa/")
    page.evaluate(
        "() => { document.body.insertAdjacentHTML('beforeend', '<div style=\"color: red\">x</div>');"
        " const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.inlineRan") is None
    context.close()
    assert len(recorder.violations) >= 2, recorder.violations
