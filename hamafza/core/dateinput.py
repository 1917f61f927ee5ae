"""Dates as people type them in forms: Jalali (1404/09/15, a year below 1700) or Gregorian ISO
(2025-12-06), with Persian, Arabic or Latin digits and an optional time of day, in Asia/Tehran; and
how a stored date is shown back in a form field (Jalali with Persian digits in Persian, ISO in
English). Each parser raises ``ValueError`` with a translated message on bad input."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import jdatetime
from django.conf import settings
from django.utils.translation import gettext as _

from hamafza.core.dates import date_problem
from hamafza.core.formatting import date_input_example
from hamafza.core.text import normalize, persian_digits

_DATE = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


def _tehran():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def parse_date_text(text: str | None) -> tuple[datetime.date | None, datetime.time | None]:
    """A date typed as Jalali (1404/09/15, year below 1700) or Gregorian ISO (2025-12-06), with
    Persian or Latin digits and an optional time (HH:MM). Returns the Gregorian date and the time."""
    value = normalize(text or "").strip()
    if not value:
        return None, None
    match = _DATE.match(value)
    if not match:
        raise ValueError(_("Enter a date like %(example)s.") % {"example": date_input_example()})
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    time = None
    if match.group(4) is not None:
        hour, minute = int(match.group(4)), int(match.group(5))
        if hour > 23 or minute > 59:
            raise ValueError(_("Enter a valid time (00:00 to 23:59)."))
        time = datetime.time(hour, minute)
    try:
        date = jdatetime.date(year, month, day).togregorian() if year < 1700 else datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("This date does not exist in the calendar.")) from exc
    problem = date_problem(date, gregorian_only=False)  # a typed year below 1700 is Jalali, explicitly
    if problem:
        raise ValueError(problem)
    return date, time


def local_datetime(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """An aware datetime at `time` on `date` in Asia/Tehran (stored as UTC by Django)."""
    return datetime.datetime.combine(date, time, tzinfo=_tehran())


def parse_datetime_text(text: str | None, *, end_of_day: bool = False) -> datetime.datetime | None:
    """A typed date (and optional time) as an aware datetime. Without a time, the start of the day
    in Asia/Tehran, or its last second when `end_of_day` (a deadline on a day includes that day)."""
    date, time = parse_date_text(text)
    if date is None:
        return None
    if time is None:
        time = datetime.time(23, 59, 59) if end_of_day else datetime.time(0, 0)
    return local_datetime(date, time)


def format_date_input(value, language: str) -> str:
    """How a stored date or datetime is shown back in a form field: Jalali in Persian, ISO in
    English; a time is added unless it is midnight or the last second of the day. A stored date the
    calendars cannot convert (outside the window of core.dates) is shown in ISO form."""
    try:
        return _format_date_input(value, language)
    except (OverflowError, ValueError):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _format_date_input(value, language: str) -> str:
    if value in (None, ""):
        return ""
    time = None
    if isinstance(value, datetime.datetime):
        value = value.astimezone(_tehran())
        if value.time() not in (datetime.time(0, 0), datetime.time(23, 59, 59)):
            time = value.time()
        value = value.date()
    if language.startswith("fa"):
        j = jdatetime.date.fromgregorian(date=value)
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    else:
        text = value.isoformat()
    if time is not None:
        text += f" {time.hour:02d}:{time.minute:02d}"
    return persian_digits(text) if language.startswith("fa") else text
