"""The dashboards' filter: a Jalali year (and optionally a quarter), a domain, a unit of the city."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.formatting import digits
from hamafza.core.models import Domain, Unit
from hamafza.insights.periods import Period
from hamafza.insights.selectors import Filters


class InsightsFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=pgettext_lazy("field label", "Year"), coerce=int, required=False, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label=pgettext_lazy("field label", "Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Domain"),
        queryset=Domain.objects.order_by("position", "code"),
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Unit"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, data=None, *, city=None, years=(), **kwargs):
        super().__init__(data, **kwargs)
        self.city = city
        self.fields["year"].choices = [("", pgettext_lazy("option", "All years"))] + [(y, digits(y)) for y in years]
        self.fields["quarter"].choices = [("", pgettext_lazy("option", "Whole year"))] + [
            (q, pgettext_lazy("option", "Quarter %(q)s") % {"q": digits(q)}) for q in (1, 2, 3, 4)
        ]
        if city is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = Unit.objects.filter(city=city).order_by("name_fa")

    def clean(self):
        data = super().clean()
        if data.get("quarter") and not data.get("year"):
            self.add_error("quarter", _("Choose a year for the quarter."))
        return data

    def filters(self) -> Filters:
        """The validated filter (call only after is_valid())."""
        data = self.cleaned_data
        period = Period(data["year"], data.get("quarter")) if data.get("year") else None
        return Filters(city=self.city, period=period, domain=data.get("domain"), unit=data.get("unit"))
