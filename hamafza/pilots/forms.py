"""Forms of pilots and agreements: they validate the shape of the input (Jalali or ISO dates,
Persian or Latin digits, rial amounts); the services enforce the business rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.forms import DecimalTextField, JalaliDateField, NumberTextField
from hamafza.challenges.models import Call
from hamafza.directory.models import Organization
from hamafza.pilots.models import Agreement, AgreementParty, FinalReport, LogEntry, Obligation, Pilot, PilotFile
from hamafza.proposals.forms import AttachmentForm

MAX_RIAL = 10**16


class StartPilotForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Host unit"), empty_label=None)
    title = forms.CharField(label=_("Title of the pilot"), max_length=200, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PlanForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("field label", "Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    unit = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Host unit"), empty_label=None)
    start_date = JalaliDateField(label=pgettext_lazy("field label", "Start date"), required=False)
    end_date = JalaliDateField(label=pgettext_lazy("field label", "End date"), required=False)
    approved_budget_rial = NumberTextField(label=_("Approved budget (Rial)"), required=False, max_value=MAX_RIAL)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return data


class KpiForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("field label", "KPI"), max_length=200)
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    baseline = DecimalTextField(label=pgettext_lazy("field label", "Baseline"), required=False)
    target = DecimalTextField(label=pgettext_lazy("field label", "Target"), required=False)
    target_date = JalaliDateField(label=pgettext_lazy("field label", "Target date"), required=False)
    measure_every_days = forms.IntegerField(label=_("Measure every (days)"), min_value=1, max_value=366, initial=30)


class MeasurementForm(forms.Form):
    value = DecimalTextField(label=pgettext_lazy("field label", "Value"))
    measured_on = JalaliDateField(label=pgettext_lazy("field label", "Measured on"))
    note = forms.CharField(label=pgettext_lazy("field label", "Note"), max_length=2000, required=False)
    evidence = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("field label", "Evidence file"), required=False
    )

    def __init__(self, *args, files_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = files_qs if files_qs is not None else PilotFile.objects.none()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Milestone"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    due_date = JalaliDateField(label=pgettext_lazy("field label", "Due date"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", pgettext_lazy("option", "Accept")), ("return", pgettext_lazy("option", "Return"))],
        label=pgettext_lazy("field label", "Decision"),
    )
    reason = forms.CharField(label=_("Reason (when returning)"), max_length=2000, required=False)


class PaymentForm(forms.Form):
    milestone = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Milestone"), required=False)
    planned_rial = NumberTextField(label=pgettext_lazy("field label", "Planned (Rial)"), max_value=MAX_RIAL)
    paid_rial = NumberTextField(label=pgettext_lazy("field label", "Paid (Rial)"), required=False, max_value=MAX_RIAL)
    paid_on = JalaliDateField(label=pgettext_lazy("field label", "Paid on"), required=False)
    note = forms.CharField(label=pgettext_lazy("field label", "Note"), max_length=300, required=False)

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones

    def clean_planned_rial(self):
        value = self.cleaned_data.get("planned_rial")
        if value is None:
            raise forms.ValidationError(_("This field is required."), code="required")
        return value


class PilotFileForm(AttachmentForm):
    purpose = forms.ChoiceField(choices=PilotFile.Purpose.choices, label=pgettext_lazy("field label", "Purpose"))
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200, required=False)


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(choices=LogEntry.Kind.choices, label=pgettext_lazy("field label", "Kind"))
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    severity = forms.ChoiceField(
        choices=LogEntry.Severity.choices, label=pgettext_lazy("field label", "Severity"), initial="medium"
    )


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=Pilot.State.choices, label=pgettext_lazy("field label", "New state"))
    reason = forms.CharField(label=pgettext_lazy("field label", "Reason"), max_length=2000, required=False)


class FinalReportForm(forms.Form):
    outcome = forms.CharField(label=pgettext_lazy("field label", "Outcome"), widget=forms.Textarea(attrs={"rows": 4}))
    lessons = forms.CharField(
        label=pgettext_lazy("field label", "Lessons learned"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    recommendation = forms.ChoiceField(
        choices=FinalReport.Recommendation.choices, label=pgettext_lazy("field label", "Recommendation")
    )

    def __init__(self, *args, kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        for kpi in self.kpis:
            self.fields[f"achieved_{kpi.pk}"] = DecimalTextField(
                label=pgettext_lazy("field label", "Achieved: %(kpi)s") % {"kpi": kpi.name}
                + (f" ({kpi.unit})" if kpi.unit else ""),
                required=False,
            )

    def achieved(self) -> dict:
        return {
            kpi.pk: self.cleaned_data[f"achieved_{kpi.pk}"]
            for kpi in self.kpis
            if self.cleaned_data.get(f"achieved_{kpi.pk}") is not None
        }


class AgreementForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    kind = forms.ChoiceField(choices=Agreement.Kind.choices, label=pgettext_lazy("field label", "Kind"))
    subject = forms.CharField(
        label=pgettext_lazy("field label", "Subject"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    value_rial = NumberTextField(label=pgettext_lazy("field label", "Value (Rial)"), required=False, max_value=MAX_RIAL)
    value_public = forms.BooleanField(label=_("The value is public"), required=False)
    signed_on = JalaliDateField(label=pgettext_lazy("field label", "Signing date"), required=False)
    duration_months = forms.IntegerField(
        label=pgettext_lazy("field label", "Duration (months)"), min_value=1, max_value=600, required=False
    )
    pilot = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Pilot"), required=False)
    call = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Call"), required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot"].queryset = Pilot.objects.filter(city=city).order_by("-pk")
        self.fields["call"].queryset = (
            Call.objects.filter(city=city, judging_only=False).exclude(state="draft").order_by("-pk")
        )


class PartyForm(forms.Form):
    kind = forms.ChoiceField(choices=AgreementParty.Kind.choices, label=_("Kind of party"))
    unit = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Unit"), required=False)
    organization = forms.CharField(label=_("Organization (slug in the directory)"), max_length=120, required=False)
    name = forms.CharField(
        label=_("Name (for another body or a university not in the directory)"), max_length=200, required=False
    )
    body_kind = forms.CharField(label=_("Kind of body"), max_length=100, required=False)
    role = forms.CharField(label=_("Role in the agreement"), max_length=200, required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = city.units.order_by("name_fa")

    def clean_organization(self):
        slug = self.cleaned_data.get("organization", "").strip()
        if not slug:
            return None
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise forms.ValidationError(_("No organization of the directory has this slug."))
        return organization


class ObligationForm(forms.Form):
    party = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("field label", "Party"), empty_label=None)
    description = forms.CharField(label=pgettext_lazy("field label", "Obligation"), max_length=2000)
    due_date = JalaliDateField(label=pgettext_lazy("field label", "Due date"), required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.all()
        self.fields["party"].label_from_instance = lambda p: p.display_name


class ObligationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Obligation.Status.choices)


class AgreementMilestoneForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Milestone"), max_length=200)
    due_date = JalaliDateField(label=pgettext_lazy("field label", "Due date"), required=False)


class AgreementTransitionForm(forms.Form):
    to_state = forms.ChoiceField(choices=Agreement.Status.choices, label=pgettext_lazy("field label", "New status"))
    reason = forms.CharField(label=pgettext_lazy("field label", "Reason"), max_length=2000, required=False)


class DocumentForm(AttachmentForm):
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200, required=False)


class ScaleUpForm(forms.Form):
    kind = forms.ChoiceField(choices=Agreement.Kind.choices, label=_("Kind of agreement"), initial="cooperation")
