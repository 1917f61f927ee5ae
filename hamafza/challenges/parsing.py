"""Parsing of what people type: money in Rial or Toman, Jalali or ISO dates, in Persian or Latin
digits. Each function raises ``ValueError`` with a translated message on bad input."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Dates are parsed in core (directory's forms type dates too); re-exported for the call sites here.
from hamafza.core.dateinput import (  # noqa: F401
    format_date_input,
    local_datetime,
    parse_date_text,
    parse_datetime_text,
)
from hamafza.core.formatting import digits
from hamafza.core.text import normalize

TOMAN = "toman"
RIAL = "rial"
MAX_RIAL = 10**18

_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def parse_money(text: str | None, unit: str = RIAL) -> int | None:
    """An amount typed in Rial or Toman (Persian or Latin digits, thousands separators tolerated)
    as an integer number of Rial. Empty input gives None."""
    value = normalize(text or "")
    for sep in (" ", "_", "'", "\u066c", "\u060c"):
        value = value.replace(sep, "")
    if not value:
        return None
    if _GROUPED.match(value):
        value = value.replace(",", "").replace(".", "")
    if not value.isdigit() or not value.isascii():
        raise ValueError(_("Enter a whole amount using digits, for example 250,000,000."))
    amount = int(value)
    if unit == TOMAN:
        amount *= 10
    if amount > MAX_RIAL:
        raise ValueError(_("This amount is too large."))
    return amount


def format_money_input(value: int | None) -> str:
    """A stored amount shown back in a form field, grouped, in the reader's digits."""
    return "" if value is None else digits(f"{value:,}")
