"""The text the Persian UI shows, computed from the catalogue at test time.

Tests of /fa/ pages (and of strings produced while Persian is active) compare against these rather
than against the English source text, so they pass whether or not a string is translated yet and
still fail when the message is missing or wrong."""

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, pgettext


def fa(text: str, /, *, context: str | None = None, **params) -> str:
    """`text` (an English msgid, in `context` if the code gives one, ADR 0025) in Persian:
    translated by the catalogue when it has the entry, else unchanged. Placeholders are filled
    after translating the msgid, as the code does (lazy values among `params` are evaluated in
    Persian too)."""
    with translation.override("fa"):
        translated = pgettext(context, text) if context else gettext(text)
        return translated % params if params else translated


def fa_html(text: str, /, *, context: str | None = None, **params) -> str:
    """`fa(text, **params)` as a template writes it ({{ }} and {% translate %} escape it)."""
    return escape(fa(text, context=context, **params))
