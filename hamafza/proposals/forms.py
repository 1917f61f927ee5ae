"""Forms validate shape; the services enforce the business rules (deadline, eligibility...)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.formatting import digits
from hamafza.core.forms import JalaliDateTimeField, NumberTextInput
from hamafza.core.text import normalize
from hamafza.proposals.models import Panel, Proposal, RubricCriterion
from hamafza.proposals.selectors import MAX_QUERY_LENGTH
from hamafza.proposals.services import PANEL_SETTINGS


class ProposalForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = ["title", "summary", "approach", "team", "budget_rial", "timeline", "kpis"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "approach": forms.Textarea(attrs={"rows": 8}),
            "team": forms.Textarea(attrs={"rows": 4}),
            "timeline": forms.Textarea(attrs={"rows": 4}),
            "kpis": forms.Textarea(attrs={"rows": 4}),
            "budget_rial": forms.NumberInput(attrs={"min": 0, "dir": "ltr"}),
        }
        help_texts = {
            "summary": _("Required to submit."),
            "approach": _("Required to submit. How you will solve the problem."),
            "kpis": _("The results you commit to, measured against the call's KPI."),
        }

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=pgettext_lazy("field label", "File"), help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG.")
    )


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("field label", "Search"), required=False, max_length=MAX_QUERY_LENGTH)
    call = forms.IntegerField(
        label=pgettext_lazy("field label", "Call"), required=False, min_value=1, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("field label", "Status"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any status"))] + Proposal.Status.choices,
    )
    page = forms.IntegerField(label=pgettext_lazy("field label", "Page"), required=False, min_value=1, max_value=100000)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {"q": normalize(data.get("q") or ""), "call_id": data.get("call"), "status": data.get("status") or ""}


class PanelSettingsForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scoring_deadline = JalaliDateTimeField(
        label=pgettext_lazy("field label", "Scoring deadline"),
        required=False,
        end_of_day=True,
        help_text=_(
            "Pick the day in the calendar; a time of day may be typed after it (Tehran time). Without a time, "
            "the end of that day. Empty: no deadline."
        ),
    )

    class Meta:
        model = Panel
        fields = list(PANEL_SETTINGS)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["name", "weight", "scale_max", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=pgettext_lazy("field label", "Email address"), widget=forms.EmailInput(attrs={"dir": "ltr"})
    )


class AddJudgeForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Judge of the city"), queryset=None)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = queryset


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(label=pgettext_lazy("field label", "Your name"), max_length=150)
    password = forms.CharField(label=pgettext_lazy("field label", "Password"), widget=forms.PasswordInput, min_length=8)


class DeclarationForm(forms.Form):
    CHOICES = [
        ("no", _("I have no conflict of interest with this applicant")),
        ("yes", _("I have a conflict of interest")),
    ]
    conflict = forms.ChoiceField(
        label=pgettext_lazy("field label", "Declaration"), choices=CHOICES, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=pgettext_lazy("field label", "Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreSheetForm(forms.Form):
    """One number field and one comment per criterion (``c<id>``, ``comment_<id>``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=pgettext_lazy("field label", "Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    complete = forms.BooleanField(label=_("My scores for this proposal are complete"), required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name} ({digits(0)}–{digits(c.scale_max)})",
                required=False,
                min_value=0,
                max_value=c.scale_max,
                help_text=c.description or None,
                # Text, not type=number: Persian digits are shown and may be typed (int() reads them).
                widget=NumberTextInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": c.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        # Field order: criterion, its comment, then the overall comment and the completion box.
        order = []
        for c in self.criteria:
            order += [f"c{c.pk}", f"comment_{c.pk}"]
        self.order_fields([*order, "comment", "complete", "version"])

    def clean(self):
        data = super().clean()
        if data.get("complete"):
            for c in self.criteria:
                if data.get(f"c{c.pk}") is None and f"c{c.pk}" not in self.errors:
                    self.add_error(f"c{c.pk}", _("Score this criterion before marking the sheet complete."))
        return data

    def values(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}

    def comments(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}") or "" for c in self.criteria}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("field label", "Decision"),
        choices=[
            (Proposal.Decision.AWARDED, pgettext_lazy("option", "Awarded")),
            (Proposal.Decision.NOT_AWARDED, pgettext_lazy("option", "Not awarded")),
        ],
    )
    reason = forms.CharField(
        label=pgettext_lazy("field label", "Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
