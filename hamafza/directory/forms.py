from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.dates import date_problem
from hamafza.core.forms import JalaliDateField, YearField
from hamafza.core.models import Capability
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import normalize
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.selectors import MAX_QUERY_LENGTH

YES_NO = [
    ("", pgettext_lazy("option", "Any")),
    ("yes", pgettext_lazy("option", "Yes")),
    ("no", pgettext_lazy("option", "No")),
]


class OrganizationFilterForm(forms.Form):
    """Validates the directory's query parameters; invalid values give a 400 page, not a 500."""

    q = forms.CharField(label=pgettext_lazy("field label", "Search"), required=False, max_length=MAX_QUERY_LENGTH)
    kind = forms.ChoiceField(
        label=pgettext_lazy("field label", "Kind"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any kind"))] + OrganizationKind.choices,
    )
    province = forms.ChoiceField(
        label=pgettext_lazy("field label", "Province"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any province"))] + PROVINCES,
    )
    city = forms.CharField(label=pgettext_lazy("field label", "City"), required=False, max_length=120)
    capability = forms.ChoiceField(label=pgettext_lazy("field label", "Capability"), required=False)
    knowledge_based = forms.ChoiceField(
        label=pgettext_lazy("field label", "Knowledge-based"), required=False, choices=YES_NO
    )
    page = forms.IntegerField(label=pgettext_lazy("field label", "Page"), required=False, min_value=1, max_value=100000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].choices = [("", pgettext_lazy("option", "Any capability"))] + [
            (c.code, c.name) for c in Capability.objects.only("code", "name_fa", "name_en").order_by("code")
        ]

    def filters(self) -> dict:
        data = self.cleaned_data
        kb = {"yes": True, "no": False}.get(data.get("knowledge_based") or "")
        return {
            "q": normalize(data.get("q") or ""),
            "kind": data.get("kind") or "",
            "province": data.get("province") or "",
            "city": (data.get("city") or "").strip(),
            "capability": data.get("capability") or "",
            "knowledge_based": kb,
        }


class OrganizationForm(forms.ModelForm):
    # Declared to choose the scheme assumed for "example.ir" (https, Django 6's default).
    website = forms.URLField(
        label=Organization._meta.get_field("website").verbose_name,
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )

    certificate_valid_from = JalaliDateField(
        label=Organization._meta.get_field("certificate_valid_from").verbose_name, required=False
    )
    certificate_valid_until = JalaliDateField(
        label=Organization._meta.get_field("certificate_valid_until").verbose_name, required=False
    )
    founded = YearField(
        label=Organization._meta.get_field("founded").verbose_name, required=False, min_value=1800, max_value=2100
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "name_en",
            "kind",
            "province",
            "city_name",
            "employees",
            "founded",
            "description_fa",
            "description_en",
            "website",
            "knowledge_based",
            "certificate_number",
            "certificate_valid_from",
            "certificate_valid_until",
            "capabilities",
        ]
        widgets = {
            "description_fa": forms.Textarea(attrs={"rows": 5, "dir": "rtl"}),
            "description_en": forms.Textarea(attrs={"rows": 5, "dir": "ltr"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr"}),
            "capabilities": forms.SelectMultiple(attrs={"size": 10, "data-searchable": ""}),
        }

    def clean(self):
        data = super().clean()
        for name in ("certificate_valid_from", "certificate_valid_until"):
            problem = date_problem(data.get(name), gregorian_only=False)  # typed in either calendar
            if problem:
                self.add_error(name, problem)
                data.pop(name, None)
        start, end = data.get("certificate_valid_from"), data.get("certificate_valid_until")
        if start and end and end < start:
            self.add_error("certificate_valid_until", _("The end of validity must be after its start."))
        if data.get("knowledge_based") and not data.get("certificate_number"):
            self.add_error("certificate_number", _("A knowledge-based company needs its certificate number."))
        if not (data.get("description_fa") or data.get("description_en")):
            self.add_error("description_fa", _("Describe the organization in Persian or English."))
        return data
