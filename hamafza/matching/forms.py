"""Input of the matching pages: the filters of "organizations to invite" and the invite action."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.provinces import PROVINCES
from hamafza.directory.models import Organization, OrganizationKind

MAX_INVITE = 100


class MatchFilterForm(forms.Form):
    """Narrow the ranked organizations (never wider than the call's own eligibility)."""

    province = forms.ChoiceField(
        label=pgettext_lazy("field label", "Province"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any province"))] + PROVINCES,
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("field label", "Kind"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any kind"))] + OrganizationKind.choices,
    )

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}


class InviteForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("field label", "Organizations"),
        queryset=Organization.objects.all(),
        error_messages={
            "required": _("Choose at least one organization to invite."),
            "invalid_choice": _("One of the chosen organizations does not exist."),
            "invalid_pk_value": _("One of the chosen organizations does not exist."),
        },
    )
    # The filters of the page the button was on, to come back to it.
    province = forms.ChoiceField(required=False, choices=[("", "")] + PROVINCES, widget=forms.HiddenInput)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + OrganizationKind.choices, widget=forms.HiddenInput)

    def clean_organizations(self):
        organizations = self.cleaned_data["organizations"]
        if len(organizations) > MAX_INVITE:
            raise forms.ValidationError(
                _("Invite at most %(max)s organizations at a time.") % {"max": MAX_INVITE}, code="too_many"
            )
        return organizations
