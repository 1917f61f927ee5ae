"""The Persian catalogue is complete: no entry is untranslated or fuzzy, placeholders survive the
translation, and every one- or two-word msgid carries a context (ADR 0025), in the catalogues and
in the code; every (context, msgid) the code asks for is in a catalogue.

The catalogue is edited by hand (README: `make messages` rewrites it), so this test is what stops an
English string from reaching a Persian page, and a fuzzy guess from being compiled away silently.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)
#: The project's catalogue and the apps' own (programs, insights).
CATALOGUES = sorted(BASE.glob("locale/fa/LC_MESSAGES/*.po")) + sorted(BASE.glob("hamafza/*/locale/fa/LC_MESSAGES/*.po"))
_STRING = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
_CONTINUATION = re.compile(r'^"(.*)"$')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def parse_po(text):
    """The entries of a .po file: dicts of msgctxt/msgid/msgid_plural/msgstr[n], plus `flags`, `line`
    and `obsolete` (#~ entries)."""
    entries, entry, key = [], {}, None

    def flush():
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            flush()
            continue
        starts_entry = line.startswith("#,") or line.startswith("msgctxt") or line.startswith("msgid ")
        if starts_entry and any(k.startswith("msgstr") for k in entry):
            flush()  # a new entry without a blank line before it
        entry.setdefault("flags", set())
        entry.setdefault("line", number)
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _STRING.match(line):
            key, value = match.groups()
            entry[key] = value
            entry["obsolete"] = obsolete
        elif (match := _CONTINUATION.match(line)) and key:
            entry[key] += match.group(1)
    flush()
    return entries


def _live(entries):
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def _where(path, entry):
    context = f" (context {entry['msgctxt']!r})" if "msgctxt" in entry else ""
    return f"{path.name}:{entry['line']} {entry['msgid']!r}{context}"


def test_there_is_a_persian_catalogue():
    assert CATALOGUES, "locale/fa/LC_MESSAGES/django.po is missing"
    assert len(_live(parse_po(CATALOGUES[0].read_text(encoding="utf-8")))) > 1000
    assert len(CATALOGUES) >= 3  # the project's, programs' and insights'


def test_parser_sees_fuzzy_and_untranslated_entries():
    """The checks below are only as good as the parser: it must see the faults it looks for."""
    sample = '\n#, fuzzy, python-format\nmsgid "a %(n)s"\nmsgstr "b"\n\nmsgid ""\n"long "\n"text"\nmsgstr ""\n'
    first, second = parse_po(sample)
    assert "fuzzy" in first["flags"] and first["msgstr"] == "b"
    assert second["msgid"] == "long text" and second["msgstr"] == ""


def test_no_entry_is_untranslated_fuzzy_or_obsolete():
    faults = []
    for path in CATALOGUES:
        for entry in parse_po(path.read_text(encoding="utf-8")):
            if not entry["msgid"]:
                continue
            if entry.get("obsolete"):
                faults.append("obsolete " + _where(path, entry))
            elif "fuzzy" in entry["flags"]:
                faults.append("fuzzy " + _where(path, entry))
            else:
                translations = [v for k, v in entry.items() if k.startswith("msgstr")]
                if not translations or any(not t.strip() for t in translations):
                    faults.append("untranslated " + _where(path, entry))
    assert faults == [], "\n".join(faults)


def test_placeholders_survive_translation():
    faults = []
    for path in CATALOGUES:
        for entry in _live(parse_po(path.read_text(encoding="utf-8"))):
            wanted = set(_PLACEHOLDER.findall(entry["msgid"]))
            for key, value in entry.items():
                if key.startswith("msgstr") and set(_PLACEHOLDER.findall(value)) != wanted:
                    if "msgid_plural" in entry:  # a plural form may drop the count ("one item")
                        continue
                    faults.append(_where(path, entry))
    assert faults == [], "\n".join(faults)


# One English word, several Persian words: these must never be translated without a context.
AMBIGUOUS = {"Submitted", "to", "by", "from", "at", "provinces", "Saved", "Updated", "high", "Admin", "Lead"}


def test_ambiguous_short_words_carry_a_context():
    bare = []
    for path in CATALOGUES:
        for entry in _live(parse_po(path.read_text(encoding="utf-8"))):
            if entry["msgid"] in AMBIGUOUS and "msgctxt" not in entry:
                bare.append(_where(path, entry))
    assert bare == [], "give these a context (pgettext / {% translate ... context ... %}):\n" + "\n".join(bare)


def test_the_words_that_were_wrong_read_right(settings):
    """Issue 18: the proposal status, the budget range and the KPI target date."""
    from django.template import Context, Template
    from django.utils import translation

    from hamafza.proposals.models import Proposal

    with translation.override("fa"):
        assert str(Proposal.Status.SUBMITTED.label) == "ارسال‌شده"
        rendered = Template(
            "{% load i18n %}{% blocktranslate with date='۱ دی ۱۴۰۵' %}(by {{ date }}){% endblocktranslate %}|"
            "{% blocktranslate with low='۱' high='۲' %}{{ low }} to {{ high }} Rial{% endblocktranslate %}|"
            "{% translate 'Submitted' context 'column: the date a need was submitted' %}"
        ).render(Context())
    assert rendered == "(تا ۱ دی ۱۴۰۵)|۱ تا ۲ ریال|زمان ثبت"


# --------------------------------------------------------------------------------------------
# A context for every short msgid (issue 18, ADR 0025)
# --------------------------------------------------------------------------------------------
#: The one exception: a format string, whose placeholder says what the words are about
#: ("{{ n }} call", "Page {{ p }}", "%(city)s, %(province)s"); everything else of one or two words
#: carries a context.
_FORMAT = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%%")


def short_without_context(msgid: str) -> bool:
    """One or two words with a letter, no placeholder: such a msgid needs a context."""
    return 0 < len(msgid.split()) <= 2 and not _FORMAT.search(msgid) and bool(re.search(r"[^\W\d_]", msgid))


def test_every_short_catalogue_entry_has_a_context():
    bare = []
    for path in CATALOGUES:
        for entry in _live(parse_po(path.read_text(encoding="utf-8"))):
            if short_without_context(entry["msgid"]) and "msgctxt" not in entry:
                bare.append(_where(path, entry))
    assert bare == [], "give these a context (pgettext / {% translate ... context ... %}):\n" + "\n".join(bare)


_LITERAL = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_PY_PLAIN = re.compile(r"\b(?:_|gettext|gettext_lazy)\(\s*" + _LITERAL + r"\s*\)")
_PY_CONTEXT = re.compile(r"\bpgettext(?:_lazy)?\(\s*" + _LITERAL + r"\s*,\s*" + _LITERAL + r"\s*\)")
_TEMPLATE = re.compile(r"\{%\s*trans(?:late)?\s+" + _LITERAL + r"((?:(?!%\}).)*)%\}")
_TEMPLATE_CONTEXT = re.compile(r"\bcontext\s+" + _LITERAL)
_TEMPLATE_UNDERSCORE = re.compile(r"\b_\(" + _LITERAL + r"\)")


def _sources():
    for pattern in ("hamafza/**/*.py", "config/**/*.py", "hamafza/**/*.html", "templates/**/*.html"):
        for path in sorted(BASE.glob(pattern)):
            parts = path.relative_to(BASE).parts
            if "tests" in parts or "migrations" in parts or "vendor" in parts:
                continue
            yield path, path.read_text(encoding="utf-8")


def _literal(text: str) -> str:
    return ast.literal_eval(text)


def _uses():
    """(path, context or None, msgid) of every literal translated in the code and templates."""
    for path, text in _sources():
        if path.suffix == ".py":
            for m in _PY_PLAIN.finditer(text):
                yield path, None, _literal(m.group(1))
            for m in _PY_CONTEXT.finditer(text):
                yield path, _literal(m.group(1)), _literal(m.group(2))
        else:
            for m in _TEMPLATE.finditer(text):
                context = _TEMPLATE_CONTEXT.search(m.group(2))
                yield path, _literal(context.group(1)) if context else None, _literal(m.group(1))
            for m in _TEMPLATE_UNDERSCORE.finditer(text):
                yield path, None, _literal(m.group(1))


def test_the_code_gives_every_short_msgid_a_context():
    bare = sorted(
        {
            f"{path.relative_to(BASE)}: {msgid!r}"
            for path, context, msgid in _uses()
            if context is None and short_without_context(msgid)
        }
    )
    assert bare == [], "give these a context (pgettext / {% translate ... context ... %}):\n" + "\n".join(bare)


def test_every_context_the_code_asks_for_is_translated():
    known = set()
    for path in CATALOGUES:
        for entry in _live(parse_po(path.read_text(encoding="utf-8"))):
            known.add((entry.get("msgctxt"), entry["msgid"].replace('\\"', '"')))
    missing = sorted(
        {f"{path.relative_to(BASE)}: {context!r} {msgid!r}" for path, context, msgid in _uses() if context}
        - {f"{p.relative_to(BASE)}: {c!r} {m!r}" for p, c, m in _uses() if (c, m) in known}
    )
    assert missing == [], "add these to the Persian catalogue:\n" + "\n".join(missing)


def test_the_checks_see_what_they_look_for():
    """The source scan must find a bare short msgid and read a context (a check that finds nothing
    proves nothing)."""
    assert short_without_context("Save") and short_without_context("Due date")
    assert not short_without_context("Save the draft") and not short_without_context("{{ n }} calls")
    m = _TEMPLATE.search("{% translate 'Due date' context \"column\" as x %}")
    assert _literal(m.group(1)) == "Due date" and _literal(_TEMPLATE_CONTEXT.search(m.group(2)).group(1)) == "column"
    m = _PY_CONTEXT.search('pgettext_lazy("button", "Save")')
    assert (_literal(m.group(1)), _literal(m.group(2))) == ("button", "Save")
    assert _literal(_PY_PLAIN.search('label=_("Save")').group(1)) == "Save"
