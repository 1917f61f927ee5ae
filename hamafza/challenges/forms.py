"""Forms validate the shape of input (Persian or Latin digits, Jalali or ISO dates, Rial or Toman);
services enforce the business rules. Bound forms are re-rendered as typed on any error."""

from __future__ import annotations

import decimal

from django import forms
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges import parsing
from hamafza.challenges.messages import KIND_LABELS
from hamafza.challenges.models import Call, CallType, Need, Urgency
from hamafza.challenges.selectors import MAX_QUERY_LENGTH
from hamafza.core.formatting import digits
from hamafza.core.forms import DateTextInput, JalaliDateField, JalaliDateTimeField, NumberTextInput  # noqa: F401
from hamafza.core.models import Capability, City, Domain, Unit
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import normalize
from hamafza.directory.models import Organization, OrganizationKind

CRITERIA_ROWS = 6


class NumberTextField(forms.Field):
    """A whole number typed in Persian or Latin digits, thousands separators tolerated."""

    def __init__(self, *, max_value=None, **kwargs):
        self.max_value = max_value
        kwargs.setdefault("widget", NumberTextInput(attrs={"inputmode": "numeric", "dir": "ltr"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            number = parsing.parse_money(value)
        except ValueError as exc:
            raise forms.ValidationError(_("Enter a whole number."), code="invalid") from exc
        if number is not None and self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(_("This number is too large."), code="max_value")
        return number


class DecimalTextField(forms.Field):
    """A number with an optional decimal part, Persian or Latin digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", NumberTextInput(attrs={"inputmode": "decimal", "dir": "ltr"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = normalize(value or "").replace(",", "").replace(" ", "")
        if not text:
            return None
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation as exc:
            raise forms.ValidationError(_("Enter a number, for example 42 or 12.5."), code="invalid") from exc
        if not number.is_finite() or abs(number) >= 10**14:
            raise forms.ValidationError(_("Enter a number, for example 42 or 12.5."), code="invalid")
        return number.quantize(decimal.Decimal("0.01"))


def _capability_choices():
    return [
        (str(c.pk), f"{c.domain.name} › {c.name}")
        for c in Capability.objects.select_related("domain").order_by("domain__position", "code")
    ]


class CapabilitiesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Capability.objects.select_related("domain").order_by("domain__position", "code"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.domain.name} › {obj.name}"


class NeedForm(forms.Form):
    """A unit's need. Nothing is required while it is a draft; submitting requires a title and a
    description (checked by the service)."""

    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200, required=False)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is the problem, where and since when, and what has been tried."),
    )
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Unit"), queryset=Unit.objects.none(), required=False
    )
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Domain"), queryset=Domain.objects.order_by("position"), required=False
    )
    capabilities = CapabilitiesField(label=pgettext_lazy("field label", "Capabilities needed"))
    urgency = forms.ChoiceField(
        label=pgettext_lazy("field label", "Urgency"), choices=Urgency.choices, initial=Urgency.MEDIUM
    )
    affected_people = NumberTextField(label=_("People affected (approximately)"), required=False, max_value=10**9)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
            if len(units) == 1:
                self.fields["unit"].initial = units[0].pk

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        capabilities = data.pop("capabilities", None)
        data["urgency"] = data.get("urgency") or Urgency.MEDIUM
        return {"capabilities": list(capabilities or []), **data}

    @staticmethod
    def initial_from(need: Need) -> dict:
        return {
            "title": need.title,
            "description": need.description,
            "unit": need.unit_id,
            "domain": need.domain_id,
            "capabilities": [c.pk for c in need.capabilities.all()],
            "urgency": need.urgency,
            "affected_people": need.affected_people,
        }


class ReportForm(forms.Form):
    """A citizen's report of an urban problem."""

    city = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "City"), queryset=City.objects.filter(is_active=True), required=False
    )
    title = forms.CharField(label=_("What is the problem?"), max_length=200, required=False)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Describe it"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    location = forms.CharField(label=_("Where? (street, neighbourhood)"), max_length=200, required=False)
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Topic"), queryset=Domain.objects.order_by("position"), required=False
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("city", None)
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the submitter will read it)"), widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    """The need a duplicate is merged into. `targets` are the needs it may be merged into (the
    posted choice is checked against them). A city has thousands of needs, too many to list: the
    page offers `shown` (the similar needs of the city among the targets) and the form accepts
    any target."""

    into = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Merge into"),
        queryset=Need.objects.none(),
        help_text=_("The similar needs of this city that are submitted or accepted."),
    )

    def __init__(self, *args, targets=None, shown=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["into"].queryset = targets.filter(pk__in=shown) if shown is not None else targets


class LinkForm(forms.Form):
    other = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Related need"),
        queryset=Need.objects.exclude(status=Need.Status.DRAFT),
        widget=forms.HiddenInput,
    )


class CanvasForm(forms.Form):
    """The problem-definition canvas, with the call's title, summary, domain and capabilities."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(
        label=_("Title of the challenge"),
        max_length=200,
        error_messages={"required": _("The title cannot be empty.")},
    )
    description = forms.CharField(
        label=pgettext_lazy("field label", "Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences shown in the list of calls."),
    )
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Domain"), queryset=Domain.objects.order_by("position"), required=False
    )
    capabilities = CapabilitiesField(label=pgettext_lazy("field label", "Capabilities needed"))
    background = forms.CharField(
        label=pgettext_lazy("field label", "Background"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    affected = forms.CharField(label=_("Who is affected"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kpi_name = forms.CharField(label=_("Key performance indicator (KPI)"), max_length=200, required=False)
    kpi_unit = forms.CharField(label=_("KPI unit of measure"), max_length=60, required=False)
    baseline_value = DecimalTextField(label=_("Current baseline value"), required=False)
    target_value = DecimalTextField(label=pgettext_lazy("field label", "Target value"), required=False)
    target_date = JalaliDateField(label=pgettext_lazy("field label", "Target date"), required=False)
    constraints_text = forms.CharField(
        label=pgettext_lazy("field label", "Constraints"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_unit = forms.ChoiceField(
        label=pgettext_lazy("field label", "Currency"),
        choices=[(parsing.RIAL, pgettext_lazy("option", "Rial")), (parsing.TOMAN, pgettext_lazy("option", "Toman"))],
        initial=parsing.RIAL,
    )
    budget_min = forms.CharField(
        label=pgettext_lazy("field label", "Minimum budget"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    budget_max = forms.CharField(
        label=pgettext_lazy("field label", "Maximum budget"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )
    timeline = forms.CharField(
        label=pgettext_lazy("field label", "Timeline"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    available_data = forms.CharField(
        label=pgettext_lazy("field label", "Available data"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    pilot_unit = forms.ModelChoiceField(label=_("Pilot site (unit)"), queryset=Unit.objects.none(), required=False)
    # Carries the errors about the criteria as a whole (their weights); the rows are added in __init__.
    criteria = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        if city is not None:
            self.fields["pilot_unit"].queryset = Unit.objects.filter(city=city).order_by("name_fa")
        for i in range(1, CRITERIA_ROWS + 1):
            self.fields[f"criterion_{i}_name"] = forms.CharField(
                label=pgettext_lazy("field label", "Criterion %(n)s") % {"n": digits(i)},
                max_length=200,
                required=False,
                widget=forms.TextInput(attrs={"dir": "auto"}),
            )
            self.fields[f"criterion_{i}_weight"] = NumberTextField(
                label=_("Weight of criterion %(n)s (%%)") % {"n": digits(i)}, required=False, max_value=100
            )
            self.fields[f"criterion_{i}_weight"].widget.attrs["data-criterion-weight"] = ""

    @property
    def criteria_total(self):
        """The sum of the weights as shown (typed, or stored): the editor keeps it current as one types."""
        total = 0
        for i in range(1, CRITERIA_ROWS + 1):
            value = self[f"criterion_{i}_weight"].value()
            try:
                total += parsing.parse_money(str(value)) or 0 if value not in (None, "") else 0
            except ValueError:
                continue
        return total

    @property
    def criteria_rows(self):
        return [(self[f"criterion_{i}_name"], self[f"criterion_{i}_weight"]) for i in range(1, CRITERIA_ROWS + 1)]

    @property
    def main_fields(self):
        skip = {"version", "budget_unit", "budget_min", "budget_max", "criteria"} | {
            n for n in self.fields if n.startswith("criterion_")
        }
        return [self[n] for n in self.fields if n not in skip]

    def clean(self):
        data = super().clean()
        unit = data.get("budget_unit") or parsing.RIAL
        for key in ("budget_min", "budget_max"):
            try:
                data[f"{key}_rial"] = parsing.parse_money(data.get(key), unit)
            except ValueError as exc:
                self.add_error(key, str(exc))
        criteria = []
        for i in range(1, CRITERIA_ROWS + 1):
            name = normalize(data.get(f"criterion_{i}_name") or "")
            weight = data.get(f"criterion_{i}_weight")
            if name and weight is None:
                self.add_error(f"criterion_{i}_weight", _("Give this criterion a weight."))
            elif weight is not None and not name:
                self.add_error(f"criterion_{i}_name", _("Name this criterion."))
            elif name:
                criteria.append({"name": name, "weight": int(weight)})
        data["criteria"] = criteria
        return data

    def values(self) -> dict:
        """Values for services.canvas_update (and for the completeness preview)."""
        d = self.cleaned_data
        return {
            "title": d.get("title") or "",
            "description": d.get("description") or "",
            "domain": d.get("domain"),
            "capabilities": list(d.get("capabilities") or []),
            "background": d.get("background") or "",
            "affected": d.get("affected") or "",
            "kpi_name": d.get("kpi_name") or "",
            "kpi_unit": d.get("kpi_unit") or "",
            "baseline_value": d.get("baseline_value"),
            "target_value": d.get("target_value"),
            "target_date": d.get("target_date"),
            "constraints_text": d.get("constraints_text") or "",
            "budget_min_rial": d.get("budget_min_rial"),
            "budget_max_rial": d.get("budget_max_rial"),
            "timeline": d.get("timeline") or "",
            "available_data": d.get("available_data") or "",
            "pilot_unit": d.get("pilot_unit"),
            "criteria": d.get("criteria") or [],
        }

    @staticmethod
    def initial_from(call: Call) -> dict:
        canvas = call.canvas
        initial = {
            "version": canvas.version,
            "title": call.title,
            "description": call.description,
            "domain": call.domain_id,
            "capabilities": [c.pk for c in call.capabilities.all()],
            "background": canvas.background,
            "affected": canvas.affected,
            "kpi_name": canvas.kpi_name,
            "kpi_unit": canvas.kpi_unit,
            "baseline_value": "" if canvas.baseline_value is None else f"{canvas.baseline_value.normalize():f}",
            "target_value": "" if canvas.target_value is None else f"{canvas.target_value.normalize():f}",
            "target_date": canvas.target_date,
            "constraints_text": canvas.constraints_text,
            "budget_unit": parsing.RIAL,
            "budget_min": parsing.format_money_input(canvas.budget_min_rial),
            "budget_max": parsing.format_money_input(canvas.budget_max_rial),
            "timeline": canvas.timeline,
            "available_data": canvas.available_data,
            "pilot_unit": canvas.pilot_unit_id,
        }
        for i, c in enumerate(canvas.criteria[:CRITERIA_ROWS], start=1):
            initial[f"criterion_{i}_name"] = c["name"]
            initial[f"criterion_{i}_weight"] = c["weight"]
        return initial


#: The invited field's limits: lines (organizations) and the length of one line (a name's maximum).
MAX_INVITED = 500
MAX_NAME = 200


class OrganizationsSelect(forms.SelectMultiple):
    """Organizations chosen by searching the directory (the searchable select asks the public
    organizations API as one types); the chosen ones are sent as their slugs. The value stays one
    organization a line, so a list of names or slugs pasted by a script is still understood."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-remote": reverse_lazy("api-v1:organization_list"), **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(values, str):
            values = [values]
        return "\n".join(v for v in values or [] if v)

    def format_value(self, value):
        if isinstance(value, str):
            value = value.splitlines()
        return [v.strip() for v in value or [] if v and v.strip()]

    def get_context(self, name, value, attrs):
        # Only the chosen organizations are options (the others are found by searching).
        chosen = self.format_value(value)
        names = {o.slug: o.display_name for o in Organization.objects.filter(slug__in=chosen[:MAX_INVITED])}
        self.choices = [(v, names.get(v, v)) for v in chosen]
        return super().get_context(name, value, attrs)


class CallSettingsForm(forms.Form):
    """Type, dates and eligibility of a call. Invited organizations: one slug or exact name a line."""

    call_type = forms.ChoiceField(label=_("Type of call"), choices=CallType.choices)
    opens_at = JalaliDateTimeField(
        label=pgettext_lazy("field label", "Opening date"),
        required=False,
        help_text=_(
            "Pick the day in the calendar; a time of day may be typed after it (Tehran time). Empty: on publication."
        ),
    )
    closes_at = JalaliDateTimeField(
        label=pgettext_lazy("field label", "Closing date"),
        required=False,
        end_of_day=True,
        help_text=_("Without a time, the call closes at the end of that day, Tehran time."),
    )
    allowed_provinces = forms.MultipleChoiceField(
        label=_("Allowed provinces (none selected: all)"),
        choices=PROVINCES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    knowledge_based_required = forms.BooleanField(
        label=_("A knowledge-based certificate valid on the closing date is required"), required=False
    )
    allowed_kinds = forms.MultipleChoiceField(
        label=_("Allowed organization kinds (none selected: all)"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 9}),
    )
    invited = forms.CharField(
        label=pgettext_lazy("field label", "Invited organizations"),
        required=False,
        widget=OrganizationsSelect(),
        help_text=_("Type part of a name to search the directory; choose as many organizations as you need."),
    )

    def clean_invited(self):
        """Each line an organization's slug, exact name or English name (any case): three queries
        whatever the number of lines; a line longer than any name matches nothing without a query."""
        lines = [normalize(line) for line in (self.cleaned_data.get("invited") or "").splitlines()]
        lines = list(dict.fromkeys(line for line in lines if line))
        if len(lines) > MAX_INVITED:
            raise forms.ValidationError(
                _("At most %(count)s organizations can be invited to a call.") % {"count": MAX_INVITED}
            )
        names = [line for line in lines if len(line) <= MAX_NAME]
        by_slug, by_name, by_name_en = {}, {}, {}
        if names:
            for org in Organization.objects.filter(slug__in=names):
                by_slug[org.slug] = org
            for org in Organization.objects.filter(name__in=names).order_by("pk"):
                by_name.setdefault(org.name, org)
            lowered = Organization.objects.annotate(name_en_lower=Lower("name_en"))
            for org in lowered.filter(name_en_lower__in=[n.lower() for n in names]).order_by("pk"):
                by_name_en.setdefault(org.name_en_lower, org)
        found, unknown = [], []
        for line in lines:
            org = by_slug.get(line) or by_name.get(line) or by_name_en.get(line.lower())
            if org is None:
                unknown.append(line if len(line) <= 60 else line[:60] + "…")
            elif org not in found:
                found.append(org)
        if unknown:
            raise forms.ValidationError(_("No organization found for: %(names)s") % {"names": "، ".join(unknown[:10])})
        return found

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing date must be after the opening date."))
        return data

    @staticmethod
    def initial_from(call: Call) -> dict:
        return {
            "call_type": call.call_type,
            "opens_at": call.opens_at,
            "closes_at": call.closes_at,
            "allowed_provinces": call.allowed_provinces,
            "knowledge_based_required": call.knowledge_based_required,
            "allowed_kinds": call.allowed_kinds,
            "invited": "\n".join(o.slug for o in call.invited_organizations.order_by("name")),
        }


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason for cancelling (public)"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    body = forms.CharField(label=pgettext_lazy("field label", "Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class FacilitatorForm(forms.Form):
    user = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Facilitator"),
        queryset=None,
        empty_label=_("Choose a facilitator"),
        help_text=_("People with the facilitator role in this city who are not assigned to this call yet."),
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=pgettext_lazy("field label", "Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Questions are published with their answer; your name is never shown."),
    )
    organization = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Asking for"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class AnswerForm(forms.Form):
    answer = forms.CharField(label=pgettext_lazy("field label", "Answer"), widget=forms.Textarea(attrs={"rows": 3}))
    publish = forms.BooleanField(label=_("Publish the question with this answer"), required=False, initial=True)


STATUS_FILTERS = [
    ("open", _("Open and upcoming")),
    ("closed", pgettext_lazy("option", "Closed")),
    ("results", pgettext_lazy("option", "Results published")),
]


class CallFilterForm(forms.Form):
    """Query parameters of the public list; invalid values give a 400 page."""

    q = forms.CharField(label=pgettext_lazy("field label", "Search"), required=False, max_length=MAX_QUERY_LENGTH)
    status = forms.ChoiceField(label=pgettext_lazy("field label", "Status"), choices=STATUS_FILTERS, required=False)
    city = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "City"),
        queryset=City.objects.filter(is_active=True),
        required=False,
        to_field_name="slug",
        empty_label=pgettext_lazy("text", "All cities"),
    )
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Domain"),
        queryset=Domain.objects.order_by("position"),
        required=False,
        to_field_name="code",
        empty_label=pgettext_lazy("text", "All domains"),
    )
    capability = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Capability"),
        queryset=Capability.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=pgettext_lazy("text", "Any capability"),
    )
    closes_before = JalaliDateField(label=pgettext_lazy("field label", "Closing by"), required=False)
    mine = forms.BooleanField(label=_("Open to my organization"), required=False)
    page = forms.IntegerField(label=pgettext_lazy("field label", "Page"), required=False, min_value=1, max_value=100000)


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("field label", "Search"), required=False, max_length=MAX_QUERY_LENGTH)
    status = forms.ChoiceField(
        label=pgettext_lazy("field label", "Status"),
        required=False,
        choices=[("", _("New and awaiting moderation"))]
        + [c for c in Need.Status.choices if c[0] != Need.Status.DRAFT],
    )
    source = forms.ChoiceField(
        label=pgettext_lazy("field label", "Source"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any"))] + Need.Source.choices,
    )
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=pgettext_lazy("text", "All units"),
    )
    domain = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Domain"),
        queryset=Domain.objects.order_by("position"),
        required=False,
        to_field_name="code",
        empty_label=pgettext_lazy("text", "All domains"),
    )
    urgency = forms.ChoiceField(
        label=pgettext_lazy("field label", "Urgency"),
        required=False,
        choices=[("", pgettext_lazy("option", "Any"))] + Urgency.choices,
    )
    page = forms.IntegerField(label=pgettext_lazy("field label", "Page"), required=False, min_value=1, max_value=100000)

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        if city is not None:
            self.fields["unit"].queryset = Unit.objects.filter(city=city).order_by("name_fa")


class PreferencesForm(forms.Form):
    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for kind, label in KIND_LABELS.items():
            in_app, email = current.get(kind, (True, True))
            self.fields[f"{kind}__in_app"] = forms.BooleanField(label=label, required=False, initial=in_app)
            self.fields[f"{kind}__email"] = forms.BooleanField(label=label, required=False, initial=email)

    @property
    def rows(self):
        return [(label, self[f"{kind}__in_app"], self[f"{kind}__email"]) for kind, label in KIND_LABELS.items()]

    def preferences(self) -> dict:
        return {
            kind: (self.cleaned_data[f"{kind}__in_app"], self.cleaned_data[f"{kind}__email"]) for kind in KIND_LABELS
        }
