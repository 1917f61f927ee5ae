"""The booking form: a Jalali (or ISO) date with the project's date picker, and times typed with
Persian, Arabic or Latin digits. The form checks the shape; ``services.booking_create`` the rules."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.forms import JalaliDateField, NumberTextField
from hamafza.core.formatting import digits
from hamafza.core.text import normalize
from hamafza.spaces import selectors

_TIME = re.compile(r"^(\d{1,2})(?:[:.٫](\d{2}))?$")


class TimeTextField(forms.Field):
    """A time of day typed as 14:30, ۱۴:۳۰ or ١٤:٣٠ (or a bare hour, 9)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off", "placeholder": "10:00"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = normalize(value or "").strip()
        if not text:
            return None
        match = _TIME.match(text)
        hour = int(match.group(1)) if match else 99
        minute = int(match.group(2) or 0) if match else 99
        if hour > 23 or minute > 59:
            raise forms.ValidationError(_("Enter a time like 10:00 or 14:30."), code="invalid")
        return datetime.time(hour, minute)

    def prepare_value(self, value):
        if isinstance(value, datetime.time):
            return digits(f"{value.hour:02d}:{value.minute:02d}")
        return value


class BookingForm(forms.Form):
    date = JalaliDateField(
        label=pgettext_lazy("field label", "Date"), help_text=_("Jalali (1405/09/16) or Gregorian (2026-12-07).")
    )
    start = TimeTextField(label=pgettext_lazy("field label", "From"))
    end = TimeTextField(label=pgettext_lazy("field label", "To"))
    attendees = NumberTextField(label=pgettext_lazy("field label", "People"), required=False, max_value=500)
    purpose = forms.CharField(
        label=_("Purpose (seen only by you and the space's managers)"), max_length=200, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            data["starts_at"] = selectors.at(data["date"], data["start"])
            data["ends_at"] = selectors.at(data["date"], data["end"])
        data["attendees"] = data.get("attendees") or 1
        return data
