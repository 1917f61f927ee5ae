"""Forms for people (issue 18): dates and numbers typed in any digits, shown in the reader's."""

import datetime

import jdatetime
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from hamafza.core.formatting import date_input_example, text_digits, year
from hamafza.core.forms import JalaliDateField, NumberTextInput, YearField


class Sample(forms.Form):
    on = JalaliDateField(required=False)
    founded = YearField(required=False, min_value=1800, max_value=2100)


def test_a_date_is_read_in_persian_arabic_or_latin_digits():
    for typed in ("۱۴۰۴/۰۹/۱۵", "١٤٠٤/٠٩/١٥", "1404/09/15", "2025-12-06"):
        form = Sample({"on": typed})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["on"] == datetime.date(2025, 12, 6)


def test_a_stored_date_is_shown_in_persian_digits_with_today_as_placeholder():
    with translation.override("fa"):
        html = str(Sample(initial={"on": datetime.date(2025, 12, 6)})["on"])
        today = jdatetime.date.fromgregorian(date=timezone.localdate())
        assert 'value="۱۴۰۴/۰۹/۱۵"' in html and "data-jdp" in html
        assert f"{today.year:04d}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in date_input_example()
        assert f'placeholder="{date_input_example()}"' in html
        assert not any(d in html.split("name=")[1] for d in "0123456789")
    with translation.override("en"):
        html = str(Sample(initial={"on": datetime.date(2025, 12, 6)})["on"])
        assert 'value="2025-12-06"' in html and "data-jdp" not in html


def test_a_founding_year_is_typed_and_shown_in_the_jalali_calendar_in_persian():
    for typed in ("۱۳۹۲", "1392", "2013", "٢٠١٣"):
        form = Sample({"founded": typed})
        assert form.is_valid(), (typed, form.errors)
        assert form.cleaned_data["founded"] == 2013
    assert not Sample({"founded": "۸۰۰"}).is_valid()  # 800 + 621: before 1800
    with translation.override("fa"):
        assert year(2013) == "۱۳۹۲"
        assert 'value="۱۳۹۲"' in str(Sample(initial={"founded": 2013})["founded"])
    with translation.override("en"):
        assert year(2013) == "2013"


def test_numbers_and_persian_user_text_are_shown_in_persian_digits():
    with translation.override("fa"):
        assert NumberTextInput().format_value(30) == "۳۰"
        assert text_digits("تیم 82 نفره") == "تیم ۸۲ نفره"
        assert text_digits("Team of 82") == "Team of 82"  # an English sentence keeps its digits
    with translation.override("en"):
        assert text_digits("تیم 82 نفره") == "تیم 82 نفره"


def test_the_arrow_points_the_way_the_text_reads():
    template = Template("{% arrow %}")
    with translation.override("fa"):
        assert template.render(Context()) == "←"
    with translation.override("en"):
        assert template.render(Context()) == "→"
