"""The window every date of the platform lives in, and the Jalali-year mistake (ADR 0012).

Dates are bounded to 1900-01-01 … 2100-12-31 (Gregorian; 1278/10/11 … 1479/10/10 Jalali): far
inside what Python, the databases and the Jalali library (jdatetime) handle, so showing, comparing
or converting a stored date can never fail, and wide enough for any certificate, deadline or
target. A Gregorian field (the API's ISO 8601 dates) given a year 1200–1699 — a Jalali year like
1405 — is refused with a message naming the Gregorian date it probably meant; form fields accept
both calendars and read a year below 1700 as Jalali, explicitly (their help text says so).

Services call `check_date` as the last guard (the rule lives here once); forms and API schemas call
it too, so the user gets the message on the field they typed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2100, 12, 31)
#: Years that are Jalali years of the last and next centuries, not plausible Gregorian ones.
JALALI_YEARS = range(1200, 1700)


def _jalali_text(value: datetime.date) -> str:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=value)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def date_problem(value: datetime.date | datetime.datetime | None, *, gregorian_only: bool = True) -> str | None:
    """Why `value` is refused (translated), or None when it is inside the window."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime.datetime) else value
    if gregorian_only and day.year in JALALI_YEARS:
        meant = None
        try:
            import jdatetime

            meant = jdatetime.date(day.year, day.month, day.day).togregorian()
        except ValueError:
            pass
        if meant is not None:
            return _(
                "%(value)s looks like a Jalali (Solar Hijri) date; this field takes Gregorian dates "
                "(ISO 8601). Did you mean %(meant)s?"
            ) % {"value": day.isoformat(), "meant": meant.isoformat()}
        return _("%(value)s looks like a Jalali (Solar Hijri) date; this field takes Gregorian dates (ISO 8601).") % {
            "value": day.isoformat()
        }
    if not (MIN_DATE <= day <= MAX_DATE):
        return _(
            "Dates must be between %(first)s and %(last)s "
            "(%(first_jalali)s and %(last_jalali)s in the Jalali calendar)."
        ) % {
            "first": MIN_DATE.isoformat(),
            "last": MAX_DATE.isoformat(),
            "first_jalali": _jalali_text(MIN_DATE),
            "last_jalali": _jalali_text(MAX_DATE),
        }
    return None


def check_date(value, *, field: str = "date", gregorian_only: bool = False):
    """`value` unchanged, or a ValidationError naming `field`. Services use the default (a Python
    date has no calendar: only the window applies); API schemas pass `gregorian_only=True`."""
    problem = date_problem(value, gregorian_only=gregorian_only)
    if problem:
        raise ValidationError({field: problem}, code="date_out_of_range")
    return value
