"""Display filters: Persian digits and Jalali dates in the Persian UI, Gregorian in English."""

import datetime
import re

import jdatetime
from django import template
from django.utils import timezone
from django.utils.translation import get_language

from hamafza.core.text import persian_digits

register = template.Library()

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


def _is_fa() -> bool:
    return (get_language() or "fa").startswith("fa")


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


@register.filter
def digits(value):
    """Write numbers with Persian digits (and the Persian decimal separator) in the Persian UI."""
    if value is None:
        return ""
    if not _is_fa():
        return str(value)
    return persian_digits(_DECIMAL_POINT.sub("٫", str(value)))


@register.filter
def num(value):
    """A number with thousands separators, in the UI's digits."""
    if value is None or value == "":
        return ""
    try:
        text = f"{int(value):,}"
    except (TypeError, ValueError):
        text = str(value)
    if _is_fa():
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
    if _is_fa():
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


@register.filter
def jdate(value):
    """A date (or datetime, shown in Asia/Tehran): Jalali with Persian digits in Persian."""
    return format_date(value)


@register.filter
def jdatetime_(value):
    return format_date(value, with_time=True)


register.filter("jdatetime", jdatetime_)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def bs_widget(field):
    """Render a bound field's widget with Bootstrap classes and accessible error attributes."""
    css = "form-control"
    if field.widget_type in ("select", "selectmultiple", "nullbooleanselect"):
        css = "form-select"
    attrs = {"class": css + (" is-invalid" if field.errors else "")}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
