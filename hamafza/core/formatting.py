"""Formatting for display: Persian digits and Jalali dates in the Persian UI, Gregorian dates and
ASCII digits in English. Services, selectors and the template filters (`digits`, `num`, `jdate`,
`jdatetime` in hamafza.core.templatetags.hamafza) all use these functions."""

import datetime
import re
import zoneinfo

import jdatetime
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext

from hamafza.core.text import persian_digits

JALALI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]


def is_persian() -> bool:
    """Whether the active language is Persian (the default when none is active)."""
    return (get_language() or "fa").startswith("fa")


def in_active_language(fa, en):
    """The Persian or the English text, whichever the active language asks for, falling back to the
    other one when it is empty (the rule of every bilingual name, title and description)."""
    if (get_language() or "fa").startswith("en"):
        return en or fa
    return fa or en


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def digits(value):
    """Write numbers with Persian digits (and the Persian decimal separator) in the Persian UI."""
    if value is None:
        return ""
    if not is_persian():
        return str(value)
    return persian_digits(_DECIMAL_POINT.sub("٫", str(value)))


def text_digits(value):
    """User-written text on a Persian page: a Persian text's digits written in Persian (people type
    either script, and the normaliser stores ASCII digits); English text keeps its digits."""
    if value is None:
        return ""
    if not is_persian() or not _PERSIAN_LETTER.search(str(value)):
        return value
    return persian_digits(str(value))


_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")


def num(value):
    """A number with thousands separators, in the UI's digits."""
    if value is None or value == "":
        return ""
    try:
        text = f"{int(value):,}"
    except (TypeError, ValueError):
        text = str(value)
    if is_persian():
        return persian_digits(text.replace(",", "٬"))
    return text


def format_date(value, with_time: bool = False) -> str:
    """A date for people. A stored date outside what the calendars can convert (the years 1 or
    9999, written before the platform bounded dates, ADR 0012) is shown in ISO form, never an error."""
    try:
        return _format_date(value, with_time)
    except (OverflowError, ValueError):
        return value.isoformat(sep=" ", timespec="minutes") if with_time and hasattr(value, "hour") else str(value)


def _format_date(value, with_time: bool) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
    elif not isinstance(value, datetime.date):
        return str(value)
    if is_persian():
        j = (
            jdatetime.datetime.fromgregorian(datetime=value)
            if isinstance(value, datetime.datetime)
            else jdatetime.date.fromgregorian(date=value)
        )
        text = f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}"
        if with_time and isinstance(value, datetime.datetime):
            text += f"، {value.hour:02d}:{value.minute:02d}"
        return persian_digits(text)
    text = value.strftime("%d %B %Y").lstrip("0")
    if with_time and isinstance(value, datetime.datetime):
        text += value.strftime(", %H:%M")
    return text


#: A Jalali year begins in March: the Gregorian year in which most of it falls is 621 later.
JALALI_YEAR_OFFSET = 621


def year(value):
    """A stored (Gregorian) year for people: the Jalali year with Persian digits in Persian (2013
    is written ۱۳۹۲), unchanged in English."""
    if value in (None, ""):
        return ""
    if is_persian():
        return persian_digits(int(value) - JALALI_YEAR_OFFSET)
    return str(value)


def date_input_example(*, with_time: bool = False) -> str:
    """Today as a reader would type it in a date field (placeholders, examples in error messages):
    Jalali with Persian digits in Persian, ISO in English; `with_time` adds a time of day."""
    today = timezone.localdate()
    time = " 14:30" if with_time else ""
    if is_persian():
        j = jdatetime.date.fromgregorian(date=today)
        return persian_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}{time}")
    return f"{today.isoformat()}{time}"


def tehran_date(value: datetime.datetime) -> datetime.date:
    """The calendar date of an instant in the platform's time zone (Asia/Tehran)."""
    return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def time_left(deadline: datetime.datetime, *, at: datetime.datetime | None = None) -> tuple[str, bool]:
    """How far a deadline is, in whole Tehran calendar days, for people: ("3 days left", False),
    ("due today", False), ("overdue by 2 days", True), ("overdue", True: passed earlier today),
    in the UI's language and digits. The flag says whether it has passed."""
    at = at or timezone.now()
    days = (tehran_date(deadline) - tehran_date(at)).days
    if deadline <= at:
        if days >= 0:
            return pgettext("deadline", "overdue"), True
        return ngettext("overdue by %(n)s day", "overdue by %(n)s days", -days) % {"n": digits(-days)}, True
    if days == 0:
        return pgettext("deadline", "due today"), False
    return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": digits(days)}, False
