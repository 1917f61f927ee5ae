"""Reporting periods: a Jalali year or one of its quarters, as a half-open range of aware datetimes
(Asia/Tehran midnight to midnight), and the Jalali year and quarter of a datetime."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import jdatetime
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.core.formatting import digits

TEHRAN = ZoneInfo("Asia/Tehran")


def _tehran_midnight(jyear: int, jmonth: int) -> datetime.datetime:
    day = jdatetime.date(jyear, jmonth, 1).togregorian()
    return datetime.datetime(day.year, day.month, day.day, tzinfo=TEHRAN)


@dataclass(frozen=True)
class Period:
    """A Jalali year (quarter None) or quarter; `start` <= t < `end`."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> datetime.datetime:
        return _tehran_midnight(self.year, 1 if self.quarter is None else 3 * (self.quarter - 1) + 1)

    @property
    def end(self) -> datetime.datetime:
        if self.quarter is None or self.quarter == 4:
            return _tehran_midnight(self.year + 1, 1)
        return _tehran_midnight(self.year, 3 * self.quarter + 1)

    @property
    def label(self) -> str:
        if self.quarter is None:
            return jalali_number(self.year)
        return _("Quarter %(q)s of %(year)s") % {"q": jalali_number(self.quarter), "year": jalali_number(self.year)}


def jalali_number(value) -> str:
    """A number in the UI's digits (Persian digits in Persian)."""
    return digits(value)


def jalali_year_of(value: datetime.datetime | datetime.date) -> int:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value, TEHRAN).date()
    return jdatetime.date.fromgregorian(date=value).year


def current_jalali_year() -> int:
    return jalali_year_of(timezone.now())
