"""Forms validate the shape of input; the services enforce the business rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.forms import NumberTextField
from hamafza.challenges.models import Call
from hamafza.consortia.services import MEMBERS_MAX, TOP_MAX
from hamafza.core.models import Capability, City
from hamafza.core.provinces import PROVINCES
from hamafza.directory.models import OrganizationKind


class CapabilitiesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Capability.objects.select_related("domain").order_by("domain__position", "code"),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.domain.name} › {obj.name}"


class MissionForm(forms.Form):
    city = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "City"),
        queryset=City.objects.none(),
        required=False,
        empty_label=_("National (platform admins)"),
    )
    title_fa = forms.CharField(label=pgettext_lazy("field label", "Title (Persian)"), max_length=200)
    title_en = forms.CharField(label=pgettext_lazy("field label", "Title (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    call = forms.ModelChoiceField(
        label=_("Call to apply to (optional)"),
        queryset=None,
        required=False,
        help_text=_("A complete consortium applies to this call of the mission's city."),
    )
    allowed_provinces = forms.MultipleChoiceField(
        label=_("Allowed provinces (none selected: all)"),
        choices=PROVINCES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    knowledge_based_required = forms.BooleanField(
        label=_("A valid knowledge-based certificate is required"), required=False
    )
    allowed_kinds = forms.MultipleChoiceField(
        label=_("Allowed organization kinds (none selected: all)"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, cities=None, national=False, calls=None, with_city=True, **kwargs):
        super().__init__(*args, **kwargs)

        if with_city:
            field = self.fields["city"]
            field.queryset = cities if cities is not None else City.objects.none()
            field.required = not national
            if not national:
                # A city manager cannot create a national mission: no empty "national" choice, and
                # their only city (the usual case) is chosen for them.
                field.empty_label = None
                if not self.is_bound and "city" not in self.initial and cities is not None:
                    only = list(cities[:2])
                    if len(only) == 1:
                        self.initial["city"] = only[0].pk
        else:
            del self.fields["city"]
        self.fields["call"].queryset = calls if calls is not None else Call.objects.none()

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            k: data.get(k)
            for k in (
                "title_fa",
                "title_en",
                "description",
                "call",
                "allowed_provinces",
                "knowledge_based_required",
                "allowed_kinds",
            )
        }


class RoleForm(forms.Form):
    code = forms.SlugField(
        label=pgettext_lazy("field label", "Code"),
        max_length=40,
        help_text=_("Short and unique in this mission, e.g. sorting."),
    )
    name = forms.CharField(label=pgettext_lazy("field label", "Name"), max_length=120)
    capabilities = CapabilitiesField(label=pgettext_lazy("field label", "Required capabilities"))
    text = forms.CharField(
        label=_("What the role does"), required=False, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    min_members = NumberTextField(label=pgettext_lazy("field label", "Minimum members"), max_value=MEMBERS_MAX)
    max_members = NumberTextField(label=pgettext_lazy("field label", "Maximum members"), max_value=MEMBERS_MAX)


class ProposeForm(forms.Form):
    top = NumberTextField(label=_("How many consortia"), max_value=TOP_MAX, initial=5)
    max_members = NumberTextField(label=_("Members at most"), max_value=MEMBERS_MAX, initial=6)

    def clean_top(self):
        value = self.cleaned_data["top"]
        if value is None or value < 1:
            raise forms.ValidationError(_("Ask for between 1 and %(max)s consortia.") % {"max": TOP_MAX})
        return value

    def clean_max_members(self):
        value = self.cleaned_data["max_members"]
        if value is None or value < 1:
            raise forms.ValidationError(
                _("A consortium may have between 1 and %(max)s members.") % {"max": MEMBERS_MAX}
            )
        return value


class FormConsortiumForm(forms.Form):
    rank = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    lead = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    role = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    organization = forms.IntegerField(label=pgettext_lazy("field label", "Organization"), min_value=1)
    message = forms.CharField(
        label=pgettext_lazy("field label", "Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", pgettext_lazy("option", "Accept")), ("decline", pgettext_lazy("option", "Decline"))]
    )


class ApplyForm(forms.Form):
    title = forms.CharField(label=_("Title of the proposal"), max_length=200)
