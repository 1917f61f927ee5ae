"""Form fields every app uses: dates typed in the Jalali (or Gregorian) calendar with any digits,
shown back in the reader's calendar and digits; the vendored Jalali picker attaches in Persian."""

from __future__ import annotations

import decimal

from django import forms
from django.utils.translation import get_language

from hamafza.core import dateinput
from hamafza.core.formatting import JALALI_YEAR_OFFSET, date_input_example, digits, is_persian, year
from hamafza.core.text import normalize


class DateTextInput(forms.TextInput):
    """A text input the vendored Jalali date picker attaches to (in Persian); typing works too."""

    def __init__(self, *, with_time=False, attrs=None):
        attrs = {"autocomplete": "off", "dir": "ltr", "inputmode": "numeric", **(attrs or {})}
        self.with_time = with_time
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if is_persian():
            widget_attrs["data-jdp"] = ""
            # The picker picks the day; a time of day may be typed after it.
            widget_attrs["data-jdp-only-date"] = ""
        # Today, in the reader's calendar and digits: an example that is never out of date.
        widget_attrs.setdefault("placeholder", date_input_example(with_time=self.with_time))
        return context

    def format_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return dateinput.format_date_input(value, get_language() or "fa")


class JalaliDateField(forms.Field):
    """A date typed as Jalali (1404/09/15) or ISO (2025-12-06), Persian or Latin digits."""

    widget = DateTextInput

    def to_python(self, value):
        try:
            date, _time = dateinput.parse_date_text(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        return date


class JalaliDateTimeField(forms.Field):
    """A date (and optional HH:MM) in Asia/Tehran, as an aware datetime. Without a time, the start
    of the day, or its end for a deadline (`end_of_day`)."""

    def __init__(self, *, end_of_day=False, **kwargs):
        self.end_of_day = end_of_day
        kwargs.setdefault("widget", DateTextInput(with_time=True))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return dateinput.parse_datetime_text(value, end_of_day=self.end_of_day)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class YearField(forms.IntegerField):
    """A year typed in either calendar with any digits: below 1700 it is a Jalali year (۱۳۹۲),
    stored as the Gregorian year in which most of it falls (2013); shown back in the reader's
    calendar and digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", YearInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        value = normalize(str(value)).strip() if value not in (None, "") else value
        number = super().to_python(value)
        if number is not None and number < 1700:
            number += JALALI_YEAR_OFFSET
        return number


class YearInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value in (None, "") or isinstance(value, str):
            return value  # as typed (a form shown again after an error)
        return year(value)


class NumberTextInput(forms.TextInput):
    """A number field's input (not type=number, which shows and accepts Latin digits only): a
    stored number is shown in the reader's digits, typed text as typed."""

    def format_value(self, value):
        if isinstance(value, int | decimal.Decimal) and not isinstance(value, bool):
            return digits(value)
        return super().format_value(value)
