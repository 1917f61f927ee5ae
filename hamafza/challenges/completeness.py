"""Completeness of a problem-definition canvas: a score out of 100 and the list of what is missing
or weak. Pure functions on plain values, so the same check runs on a saved canvas and on a form
being typed (the htmx preview)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.text import words

MISSING = "missing"
WEAK = "weak"
OK = "ok"
MIN_BACKGROUND_WORDS = 15


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    status: str
    message: str = ""
    weight: int = 10


@dataclass(frozen=True)
class Completeness:
    score: int
    items: tuple[Item, ...]

    @property
    def missing(self) -> list[Item]:
        return [i for i in self.items if i.status == MISSING]

    @property
    def weak(self) -> list[Item]:
        return [i for i in self.items if i.status == WEAK]

    @property
    def is_complete(self) -> bool:
        """Nothing missing (weak items are advice, they do not block publication)."""
        return not self.missing


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def canvas_completeness(data: dict) -> Completeness:
    """Check a canvas given as a dict with the Canvas field names (plus `title` and `criteria` as a
    list of {"name", "weight"})."""
    items: list[Item] = []

    def add(key, label, status, message="", weight=10):
        items.append(Item(key=key, label=str(label), status=status, message=str(message), weight=weight))

    background = data.get("background") or ""
    if _blank(background):
        add(
            "background",
            pgettext_lazy("canvas section", "Background"),
            MISSING,
            _("Describe the background of the problem."),
            15,
        )
    elif len(words(background)) < MIN_BACKGROUND_WORDS:
        add(
            "background",
            pgettext_lazy("canvas section", "Background"),
            WEAK,
            _("The background is very short; say more about the problem."),
            15,
        )
    else:
        add("background", pgettext_lazy("canvas section", "Background"), OK, weight=15)

    if _blank(data.get("affected")):
        add("affected", _("Who is affected"), MISSING, _("Say who is affected by the problem."))
    else:
        add("affected", _("Who is affected"), OK)

    if _blank(data.get("kpi_name")):
        add("baseline", _("Baseline and KPI"), MISSING, _("Name a key performance indicator (KPI)."))
    elif data.get("baseline_value") is None:
        add("baseline", _("Baseline and KPI"), WEAK, _("The KPI has no number for the current baseline."))
    else:
        add("baseline", _("Baseline and KPI"), OK)

    if data.get("target_value") is None:
        add("target", pgettext_lazy("canvas section", "Target"), MISSING, _("Set a target value for the KPI."))
    elif not data.get("target_date"):
        add("target", pgettext_lazy("canvas section", "Target"), WEAK, _("The target has no date."))
    else:
        add("target", pgettext_lazy("canvas section", "Target"), OK)

    if _blank(data.get("constraints_text")):
        add(
            "constraints",
            pgettext_lazy("canvas section", "Constraints"),
            MISSING,
            _("List the constraints (legal, technical, budget)."),
            5,
        )
    else:
        add("constraints", pgettext_lazy("canvas section", "Constraints"), OK, weight=5)

    low, high = data.get("budget_min_rial"), data.get("budget_max_rial")
    if low is None and high is None:
        add("budget", pgettext_lazy("canvas section", "Budget range"), MISSING, _("Give a budget range."))
    elif low is None or high is None:
        add(
            "budget",
            pgettext_lazy("canvas section", "Budget range"),
            WEAK,
            _("Give both the minimum and the maximum of the budget."),
        )
    elif low > high:
        add(
            "budget",
            pgettext_lazy("canvas section", "Budget range"),
            MISSING,
            _("The minimum budget is above the maximum."),
        )
    else:
        add("budget", pgettext_lazy("canvas section", "Budget range"), OK)

    if _blank(data.get("timeline")):
        add("timeline", pgettext_lazy("canvas section", "Timeline"), MISSING, _("Describe the timeline."), 5)
    else:
        add("timeline", pgettext_lazy("canvas section", "Timeline"), OK, weight=5)

    if _blank(data.get("available_data")):
        add(
            "data",
            pgettext_lazy("canvas section", "Available data"),
            WEAK,
            _("Say which data is available to applicants."),
            5,
        )
    else:
        add("data", pgettext_lazy("canvas section", "Available data"), OK, weight=5)

    if not data.get("pilot_unit"):
        add(
            "pilot",
            pgettext_lazy("canvas section", "Pilot site"),
            MISSING,
            _("Choose the unit where the solution will be piloted."),
        )
    else:
        add("pilot", pgettext_lazy("canvas section", "Pilot site"), OK)

    criteria = [c for c in (data.get("criteria") or []) if c.get("name")]
    total = sum(int(c.get("weight") or 0) for c in criteria)
    if not criteria:
        add(
            "criteria",
            pgettext_lazy("canvas section", "Evaluation criteria"),
            MISSING,
            _("Add evaluation criteria with weights."),
            15,
        )
    elif total != 100:
        add(
            "criteria",
            pgettext_lazy("canvas section", "Evaluation criteria"),
            MISSING,
            _("The weights of the criteria must sum to 100."),
            15,
        )
    elif len(criteria) < 2:
        add(
            "criteria",
            pgettext_lazy("canvas section", "Evaluation criteria"),
            WEAK,
            _("A single criterion is weak; use at least two."),
            15,
        )
    else:
        add("criteria", pgettext_lazy("canvas section", "Evaluation criteria"), OK, weight=15)

    total_weight = sum(i.weight for i in items)
    earned = sum(i.weight if i.status == OK else i.weight / 2 if i.status == WEAK else 0 for i in items)
    return Completeness(score=round(100 * earned / total_weight), items=tuple(items))
