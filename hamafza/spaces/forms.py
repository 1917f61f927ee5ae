"""The booking form: a Jalali (or ISO) date with the project's date picker, and times typed with
Persian, Arabic or Latin digits; the managers' forms of a space (with its weekly hours) and of a
desk or room. The forms check the shape; the services the rules."""

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
from hamafza.spaces.models import Resource, Weekday

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


class SpaceForm(forms.Form):
    """A space's details and its weekly opening hours (``open_<weekday>`` / ``close_<weekday>``, both
    empty: closed). On creation (`city` given) also who runs it."""

    RUN_BY_CITY = ""

    name_fa = forms.CharField(label=pgettext_lazy("field label", "Name (Persian)"), max_length=200)
    name_en = forms.CharField(label=pgettext_lazy("field label", "Name (English)"), max_length=200, required=False)
    address = forms.CharField(label=pgettext_lazy("field label", "Address"), max_length=300, required=False)
    description_fa = forms.CharField(
        label=pgettext_lazy("field label", "Description (Persian)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    description_en = forms.CharField(
        label=pgettext_lazy("field label", "Description (English)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    is_active = forms.BooleanField(label=_("Open for bookings"), required=False, initial=True)

    def __init__(self, *args, units=None, organizations=None, city_allowed=False, space=None, **kwargs):
        if space is not None and "initial" not in kwargs:
            kwargs["initial"] = space_initial(space)
        super().__init__(*args, **kwargs)
        if units is not None:
            choices = [(self.RUN_BY_CITY, pgettext_lazy("space owner", "The city"))] if city_allowed else []
            choices += [(f"unit:{u.pk}", u.name) for u in units]
            choices += [(f"org:{o.pk}", o.name) for o in organizations]
            self.fields["run_by"] = forms.ChoiceField(
                label=pgettext_lazy("field label", "Run by"), choices=choices, required=not city_allowed
            )
            self.order_fields(["run_by"])
        self.units = {u.pk: u for u in units or ()}
        self.organizations = {o.pk: o for o in organizations or ()}
        for day in Weekday:
            self.fields[f"open_{day.value}"] = TimeTextField(
                label=_("%(day)s: opens") % {"day": day.label}, required=False
            )
            self.fields[f"close_{day.value}"] = TimeTextField(
                label=_("%(day)s: closes") % {"day": day.label}, required=False
            )

    def weekday_rows(self):
        """(weekday, opens field, closes field) in the Iranian week's order, for the template."""
        return [(day, self[f"open_{day.value}"], self[f"close_{day.value}"]) for day in Weekday]

    def clean(self):
        data = super().clean()
        week = {}
        for day in Weekday:
            opens, closes = data.get(f"open_{day.value}"), data.get(f"close_{day.value}")
            if f"open_{day.value}" in self.errors or f"close_{day.value}" in self.errors:
                continue
            if (opens is None) != (closes is None):
                self.add_error(f"close_{day.value}", _("Give both the opening and the closing time, or neither."))
                continue
            week[day.value] = (opens, closes) if opens is not None else None
        data["week"] = week
        run_by = data.get("run_by") or ""
        data["unit"] = data["organization"] = None
        kind, _sep, pk = run_by.partition(":")
        if kind == "unit":
            data["unit"] = self.units.get(int(pk))
        elif kind == "org":
            data["organization"] = self.organizations.get(int(pk))
        return data

    def service_values(self) -> dict:
        names = ("name_fa", "name_en", "address", "description_fa", "description_en", "is_active", "week")
        return {name: self.cleaned_data[name] for name in names}


def space_initial(space) -> dict:
    initial = {
        name: getattr(space, name)
        for name in ("name_fa", "name_en", "address", "description_fa", "description_en", "is_active")
    }
    for weekday, row in selectors.opening_hours_of(space=space).items():
        initial[f"open_{weekday}"] = row.opens
        initial[f"close_{weekday}"] = row.closes
    return initial


class ResourceForm(forms.Form):
    """A desk or a room with its capacity and booking rules."""

    kind = forms.ChoiceField(label=pgettext_lazy("field label", "Kind"), choices=Resource.Kind.choices)
    name_fa = forms.CharField(label=pgettext_lazy("field label", "Name (Persian)"), max_length=120)
    name_en = forms.CharField(label=pgettext_lazy("field label", "Name (English)"), max_length=120, required=False)
    capacity = NumberTextField(label=pgettext_lazy("field label", "Capacity (people)"), max_value=500)
    slot_minutes = forms.TypedChoiceField(
        label=pgettext_lazy("field label", "Slot length"), choices=Resource.SLOT_CHOICES, coerce=int, initial=30
    )
    max_booking_minutes = NumberTextField(
        label=_("Longest booking (minutes)"), max_value=24 * 60, help_text=_("For example ۲۴۰ for four hours.")
    )
    book_ahead_days = NumberTextField(label=_("Bookable how many days ahead"), max_value=366)
    min_notice_minutes = NumberTextField(label=_("Least notice (minutes)"), max_value=7 * 24 * 60, required=False)
    is_active = forms.BooleanField(label=pgettext_lazy("field label", "Bookable"), required=False, initial=True)

    def __init__(self, *args, resource=None, **kwargs):
        if resource is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": resource.kind,
                "name_fa": resource.name_fa,
                "name_en": resource.name_en,
                "capacity": digits(resource.capacity),
                "slot_minutes": resource.slot_minutes,
                "max_booking_minutes": digits(resource.max_booking_minutes),
                "book_ahead_days": digits(resource.book_ahead_days),
                "min_notice_minutes": digits(resource.min_notice_minutes),
                "is_active": resource.is_active,
            }
        elif "initial" not in kwargs:
            kwargs["initial"] = {
                "capacity": digits(1),
                "max_booking_minutes": digits(240),
                "book_ahead_days": digits(14),
                "min_notice_minutes": digits(0),
            }
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["min_notice_minutes"] = data.get("min_notice_minutes") or 0
        return data
