"""The Persian catalogue is complete: no entry is untranslated or fuzzy, placeholders survive the
translation, and the short words that mean different things in different places carry a context.

The catalogue is edited by hand (README: `make messages` rewrites it), so this test is what stops an
English string from reaching a Persian page, and a fuzzy guess from being compiled away silently.
"""

import re
from pathlib import Path

from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("locale/fa/LC_MESSAGES/*.po"))
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
