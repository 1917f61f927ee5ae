"""Issue 18 in a real browser (Debian's Chromium through Playwright), on the demo data.

Each demo role (and a visitor) signs in and walks its main pages, following the links they offer (a
bounded crawl), in Persian and in English, on a phone's width (390 px). On every page:

- **phones**: nothing scrolls sideways (`scrollWidth <= innerWidth`);
- **accessibility**: the vendored axe-core (tests/vendor/axe-core) finds no serious or critical
  violation (labels, names, contrast, landmarks, ARIA...);
- **Persian digits and dates** (Persian pages): the visible text, the options of every select and the
  values and placeholders of the inputs hold no Latin digit and no Gregorian month, except in URLs,
  e-mail addresses, elements marked as code (`<code>`, `translate="no"`) and English sentences (a
  text with Latin letters and no Persian one, such as an English-only organization description).

Each role's landing page is also saved in both languages at 1280 px and at 390 px in
var/screenshots/ux-<role>-<language>-<width>.png.
"""

import os
import re
from io import StringIO
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

from django.core.management import call_command  # noqa: E402
from django.urls import Resolver404, resolve  # noqa: E402

from config.settings.env import VAR_DIR  # noqa: E402
from tests.browser_demo import demo_sign_in  # noqa: E402

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = VAR_DIR / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SKIP = re.compile(
    r"logout|/download|/attachments/|/admin/|/api/|\.(csv|xlsx|jsonl|ics|pdf|docx|zip)(\?|$)|/export|/delete/|#|\?page=|&page="
)

# (name for the screenshots, e-mail, first pages, most pages to visit in each language)
ROLES = [
    ("visitor", None, ["/fa/", "/fa/organizations/", "/fa/challenges/", "/fa/challenges/1/"], 6),
    (
        "manager",
        "manager.qom@demo.hamafza.ir",
        [
            "/fa/",
            "/fa/c/qom/calls/",
            "/fa/c/qom/triage/",
            "/fa/c/qom/calls/{call}/settings/",
            "/fa/calls/{evaluated}/evaluation/",
        ],
        12,
    ),
    ("unit-staff", "staff.qom.waste@demo.hamafza.ir", ["/fa/", "/fa/c/qom/needs/new/"], 6),
    ("facilitator", "facilitator.tehran@demo.hamafza.ir", ["/fa/"], 6),
    ("judge", "judge.qom@demo.hamafza.ir", ["/fa/", "/fa/judging/"], 6),
    ("org-admin", "org.admin@demo.hamafza.ir", ["/fa/", "/fa/proposals/", "/fa/consortia/"], 10),
    ("org-member", "org.member@demo.hamafza.ir", ["/fa/", "/fa/proposals/"], 6),
    ("citizen", "citizen@demo.hamafza.ir", ["/fa/"], 5),
]

# Text that may hold Latin digits on a Persian page: addresses and the like.
ALLOWED = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|SHA-256|ISO 8601|OCDS|WCAG 2")
LATIN_DIGIT = re.compile(r"[0-9]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
GREGORIAN = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|[۰-۹]{1,2}/[۰-۹]{1,2}/(۱۹|۲۰)[۰-۹]{2}\b|\b(۱۹|۲۰)[۰-۹]{2}[-/][۰-۹]{1,2}[-/][۰-۹]{1,2}"
)

# The visible text of a page, with the select options and the input values and placeholders.
VISIBLE_TEXT = """() => {
  const hidden = el => !el
    || el.closest('code, kbd, samp, script, style, template, [translate="no"], [aria-hidden="true"]')
    || !el.checkVisibility({visibilityProperty: true});
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (el && el.closest('option')) continue;
    if (hidden(el)) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  document.querySelectorAll('select').forEach(s => {
    if (s.closest('[translate="no"]')) return;
    s.querySelectorAll('option').forEach(o => out.push('option: ' + o.textContent.trim()));
  });
  document.querySelectorAll('input, textarea').forEach(i => {
    if (['hidden', 'email', 'url', 'password', 'checkbox', 'radio', 'file', 'submit'].includes(i.type)) return;
    if (i.closest('[translate="no"]') || i.readOnly && i.hasAttribute('data-select-on-focus')) return;
    if (i.value) out.push('value: ' + i.value);
    if (i.placeholder) out.push('placeholder: ' + i.placeholder);
  });
  return out;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>
    v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=StringIO())


class Findings:
    def __init__(self):
        self.overflow: list[str] = []
        self.axe: list[str] = []
        self.latin: list[str] = []
        self.errors: list[str] = []
        self.visited: list[str] = []


def _kind(path):
    """One page per view and language: /fa/organizations/a/ and /fa/organizations/b/ are one kind."""
    try:
        return path[:4], resolve(urlsplit(path).path).view_name
    except Resolver404:
        return path, None


def _check(page, path, findings, axe_source):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width[0] > width[1]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
            window.innerWidth + 1 || e.getBoundingClientRect().left < -1).slice(-3).map(e => e.tagName + '.' +
            [...e.classList].join('.') + '#' + e.id)"""
        )
        findings.overflow.append(f"{path}: scrollWidth {width[0]} > {width[1]} ({', '.join(wide)})")
    page.evaluate(axe_source)
    for violation in page.evaluate(AXE_RUN):
        findings.axe.append(f"{path}: {violation}")
    if path.startswith("/fa/"):
        for text in page.evaluate(VISIBLE_TEXT):
            cleaned = ALLOWED.sub("", text)
            # An English sentence (Latin letters, no Persian one: an organization's English-only
            # description) keeps its digits; a Persian text or a bare number or date must not.
            english = LATIN_LETTER.search(cleaned) and not PERSIAN_LETTER.search(cleaned)
            if (LATIN_DIGIT.search(cleaned) and not english) or GREGORIAN.search(cleaned):
                findings.latin.append(f"{path}: {text[:120]!r}")


def _walk(page, base, starts, limit, findings, axe_source):
    seen, queue, count = set(), list(starts), 0
    while queue and count < limit:
        path = queue.pop(0)
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        response = page.goto(base + path, wait_until="load")
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            if response.status >= 500:
                findings.errors.append(f"{response.status} {path}")
            continue
        count += 1
        findings.visited.append(path)
        _check(page, path, findings, axe_source)
        for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urljoin(base + path, href)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(url):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link.startswith(path[:4]) and _kind(link) not in seen:
                queue.append(link)


def _screenshot(page, base, name, language, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"{base}/{language}/", wait_until="load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"ux-{name}-{language}-{viewport['width']}.png"), full_page=True)


def test_every_role_main_pages_fit_a_phone_pass_axe_and_speak_persian(browser, live_server, demo):
    base = live_server.url
    axe_source = AXE.read_text(encoding="utf-8")
    findings = Findings()
    # the demo's ids depend on the order it creates rows in: look the calls up
    from hamafza.challenges.models import Call
    from hamafza.proposals.models import Panel

    ids = {
        "call": Call.objects.filter(city__slug="qom").order_by("pk").values_list("pk", flat=True).first(),
        "evaluated": Panel.objects.filter(call__city__slug="qom").order_by("pk").values_list("call_id", flat=True)[0],
    }
    roles = [(name, email, [s.format(**ids) for s in starts], limit) for name, email, starts, limit in ROLES]
    for name, email, starts, limit in roles:
        context = browser.new_context(viewport=PHONE, locale="fa-IR")
        context.set_default_timeout(90_000)  # a loaded shared machine: slow is not a failure here
        page = context.new_page()
        page.on("pageerror", lambda err, page=page: findings.errors.append(f"{page.url}: {err}"))
        if email:
            demo_sign_in(page, base, email)
        _walk(page, base, starts, limit, findings, axe_source)
        _walk(page, base, ["/en" + s[3:] for s in starts], limit, findings, axe_source)
        for language in ("fa", "en"):
            for viewport in (DESKTOP, PHONE):
                _screenshot(page, base, name, language, viewport)
        context.close()

    assert len(findings.visited) >= 60, findings.visited
    evaluation = f"/fa/calls/{ids['evaluated']}/evaluation/"
    for expected in ("/fa/c/qom/triage/", "/en/c/qom/triage/", "/fa/judging/", evaluation):
        assert expected in findings.visited, expected
    report = {
        "server or script errors": findings.errors,
        "pages that scroll sideways at 390 px": findings.overflow,
        "serious or critical axe violations": findings.axe,
        "Latin digits or Gregorian dates on Persian pages": findings.latin,
    }
    assert not any(report.values()), "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in report.items() if v)
    assert len(list(SCREENSHOTS.glob("ux-*-*-*.png"))) >= len(ROLES) * 4


def test_axe_and_the_checks_see_faults(browser, live_server, transactional_db):
    """The checks above are only as good as what they catch: a page made wrong on purpose fails each."""
    base = live_server.url
    findings = Findings()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/fa/", wait_until="load")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<input id="unlabelled"><img src="/static/none.png"><div class="w-pct-100">تاریخ 2024/05/12</div>' +
        '<table><tr><td>' + 'x'.repeat(1) + '</td></tr></table>')"""
    )
    page.evaluate(
        "() => { const d = document.createElement('div'); d.className = 'd-flex'; "
        "d.innerHTML = '<span class=\"text-nowrap\">' + 'پهن '.repeat(200) + '</span>'; "
        "document.body.appendChild(d); }"
    )
    _check(page, "/fa/", findings, AXE.read_text(encoding="utf-8"))
    context.close()
    assert any("label" in v for v in findings.axe), findings.axe
    assert any("image-alt" in v for v in findings.axe), findings.axe
    assert any("2024/05/12" in t for t in findings.latin), findings.latin
    assert findings.overflow, "a page wider than the phone was not seen"
