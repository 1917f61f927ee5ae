"""No template carries what the Content-Security-Policy refuses: inline <script> code, inline
event handlers (onclick=…) or style attributes. The browser test (tests/test_browser_csp.py) sees
the pages it reaches; this one reads every template, so a new page cannot slip through."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("hamafza/*/templates/**/*.html")])

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
# Data blocks are not executed, so the policy does not apply to them (json_script writes these).
DATA_TYPES = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.I)


def test_templates_were_found():
    assert len(TEMPLATES) > 30


def test_no_inline_script_handler_or_style_attribute():
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        name = path.relative_to(ROOT)
        for match in SCRIPT.finditer(text):
            if match.group("body").strip() and not DATA_TYPES.search(match.group("attrs")):
                problems.append(f"{name}: inline <script> code (move it to a static .js file)")
        if HANDLER.search(text):
            problems.append(f"{name}: inline event handler (use a data- attribute and a static .js file)")
        if STYLE_ATTR.search(text):
            problems.append(f"{name}: style attribute (use a class in hamafza.css)")
    assert problems == [], "\n".join(problems)
