import datetime
import zoneinfo

import pytest

from hamafza.challenges import parsing
from hamafza.challenges.completeness import MISSING, OK, WEAK, canvas_completeness
from hamafza.challenges.tests.factories import complete_canvas_values
from hamafza.challenges.tests.i18n import fa

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("text", "unit", "rial"),
    [
        ("250000000", "rial", 250_000_000),
        ("250,000,000", "rial", 250_000_000),
        ("۲۵۰٬۰۰۰٬۰۰۰", "rial", 250_000_000),
        ("۲۵٬۰۰۰٬۰۰۰", "toman", 250_000_000),
        ("25.000.000", "toman", 250_000_000),
        ("١٢٣", "rial", 123),
        (" 1 000 ", "toman", 10_000),
        ("", "rial", None),
    ],
)
def test_money_in_rial_or_toman_with_any_digits(text, unit, rial):
    assert parsing.parse_money(text, unit) == rial


@pytest.mark.parametrize("text", ["abc", "12.5", "-100", "1e9", "۱۲ میلیون", "9" * 30])
def test_bad_money_is_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_money(text, "rial")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1404/09/15", datetime.date(2025, 12, 6)),
        ("۱۴۰۴/۰۹/۱۵", datetime.date(2025, 12, 6)),
        ("1404-9-15", datetime.date(2025, 12, 6)),
        ("2025-12-06", datetime.date(2025, 12, 6)),
        ("1403/12/30", datetime.date(2025, 3, 20)),  # leap year in the Jalali calendar
    ],
)
def test_dates_jalali_or_iso(text, expected):
    assert parsing.parse_date_text(text)[0] == expected


@pytest.mark.parametrize(
    "text", ["1404/13/01", "1404/12/31", "15/09/1404", "tomorrow", "2025-02-30", "1404/09/15 25:00"]
)
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_date_text(text)


def test_deadline_without_time_is_end_of_day_in_tehran():
    value = parsing.parse_datetime_text("1404/09/15", end_of_day=True)
    assert value.astimezone(TEHRAN).time() == datetime.time(23, 59, 59)
    assert value.astimezone(datetime.UTC) == datetime.datetime(2025, 12, 6, 20, 29, 59, tzinfo=datetime.UTC)
    start = parsing.parse_datetime_text("۱۴۰۴/۰۹/۱۵ ۰۸:۳۰")
    assert start.astimezone(datetime.UTC) == datetime.datetime(2025, 12, 6, 5, 0, tzinfo=datetime.UTC)


def test_format_date_input_round_trips():
    value = parsing.parse_datetime_text("1404/09/15", end_of_day=True)
    assert parsing.format_date_input(value, "fa") == "۱۴۰۴/۰۹/۱۵"  # shown back in Persian digits
    assert parsing.format_date_input(value, "en") == "2025-12-06"
    with_time = parsing.parse_datetime_text("1404/09/15 08:30")
    assert parsing.format_date_input(with_time, "fa") == "۱۴۰۴/۰۹/۱۵ ۰۸:۳۰"
    assert parsing.parse_datetime_text("۱۴۰۴/۰۹/۱۵ ۰۸:۳۰") == with_time  # and read back


def _statuses(result):
    return {item.key: item.status for item in result.items}


def test_complete_canvas_scores_100():
    result = canvas_completeness(complete_canvas_values(pilot_unit=1))
    assert result.score == 100
    assert result.is_complete
    assert set(_statuses(result).values()) == {OK}


def test_empty_canvas_lists_everything_missing():
    result = canvas_completeness({})
    assert result.score == 3  # only "available data" is weak (half of 5 of 95), everything else missing
    assert not result.is_complete
    assert _statuses(result)["criteria"] == MISSING
    assert _statuses(result)["data"] == WEAK


def test_kpi_without_number_and_target_without_date_are_weak():
    values = complete_canvas_values(pilot_unit=1)
    values["baseline_value"] = None
    values["target_date"] = None
    result = canvas_completeness(values)
    statuses = _statuses(result)
    assert statuses["baseline"] == WEAK
    assert statuses["target"] == WEAK
    assert result.is_complete  # weak is advice, not a blocker
    assert result.score < 100
    messages = [str(i.message) for i in result.weak]
    assert fa("The KPI has no number for the current baseline.") in messages
    assert fa("The target has no date.") in messages


def test_weights_not_summing_to_100_are_missing():
    values = complete_canvas_values(pilot_unit=1)
    values["criteria"] = [{"name": "a", "weight": 50}, {"name": "b", "weight": 30}]
    result = canvas_completeness(values)
    assert _statuses(result)["criteria"] == MISSING
    assert not result.is_complete


def test_budget_min_above_max_is_missing():
    values = complete_canvas_values(pilot_unit=1)
    values["budget_min_rial"], values["budget_max_rial"] = 9, 1
    assert _statuses(canvas_completeness(values))["budget"] == MISSING
