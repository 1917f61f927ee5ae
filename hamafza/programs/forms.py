"""Forms validate the shape of input (Jalali or ISO dates with Persian or Latin digits); services
enforce the business rules."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.forms import JalaliDateField, JalaliDateTimeField, NumberTextField
from hamafza.challenges.models import Call
from hamafza.core.formatting import digits
from hamafza.core.models import Capability, Unit
from hamafza.core.provinces import PROVINCES
from hamafza.directory.models import Organization
from hamafza.programs.models import Application, Event, Program
from hamafza.spaces.models import Resource


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("field label", "Kind"), choices=Event.Kind.choices)
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    organiser_unit = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Organising unit"), queryset=Unit.objects.none(), required=False
    )
    venue_address = forms.CharField(label=pgettext_lazy("field label", "Venue address"), max_length=300, required=False)
    venue_room = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Co-working room"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("A room of one of the city's co-working spaces; its address is the venue."),
    )
    online_url = forms.URLField(
        label=pgettext_lazy("field label", "Online link"), required=False, assume_scheme="https"
    )
    starts_at = JalaliDateTimeField(label=pgettext_lazy("field label", "Starts at"))
    ends_at = JalaliDateTimeField(label=pgettext_lazy("field label", "Ends at"))
    capacity = NumberTextField(label=pgettext_lazy("field label", "Capacity"), max_value=100_000)
    registration_open = forms.BooleanField(
        label=pgettext_lazy("field label", "Registration open"), required=False, initial=True
    )
    pitches_open = forms.BooleanField(label=_("Pitch applications open"), required=False)
    pitch_invited_only = forms.BooleanField(
        label=_("Only organizations invited or matched to a linked call may pitch"), required=False
    )
    calls = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("field label", "Linked calls"),
        queryset=Call.objects.none(),
        required=False,
        help_text=_("Calls of the city this event serves; pitches may be judged as proposals to them."),
    )
    new_question = forms.CharField(label=_("New registration question"), max_length=300, required=False)
    new_question_required = forms.BooleanField(label=_("The new question is required"), required=False)

    def __init__(self, *args, city, event=None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = event_initial(event)
        super().__init__(*args, **kwargs)
        self.fields["organiser_unit"].queryset = Unit.objects.filter(city=city)
        rooms = Resource.objects.filter(kind=Resource.Kind.ROOM, space__city=city, space__is_active=True)
        current_room = event.venue_room_id if event is not None else None
        self.fields["venue_room"].queryset = rooms.filter(
            models.Q(is_active=True) | models.Q(pk=current_room)
        ).select_related("space")
        self.fields["calls"].queryset = (
            Call.objects.filter(city=city, judging_only=False)
            .exclude(state=Call.State.CANCELLED)
            .order_by("-created_at", "-pk")
        )
        # The event's questions, each editable in place (q_<id>, q_<id>_required).
        self.questions = list(event.questions.all()) if event is not None else []
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=pgettext_lazy("field label", "Registration question"), max_length=300, initial=question.text
            )
            self.fields[f"q_{question.pk}_required"] = forms.BooleanField(
                label=pgettext_lazy("field label", "Required"), required=False, initial=question.required
            )
        # The new question last.
        self.order_fields([name for name in self.fields if name not in ("new_question", "new_question_required")])

    def clean_capacity(self):
        value = self.cleaned_data["capacity"]
        if value is None or value < 1:
            raise forms.ValidationError(_("Enter a capacity of at least 1."))
        return value

    def service_values(self) -> dict:
        """The cleaned data as ``services.event_create`` / ``event_update`` take it."""
        data = dict(self.cleaned_data)
        questions = [
            {"question": q, "text": data.pop(f"q_{q.pk}"), "required": data.pop(f"q_{q.pk}_required")}
            for q in self.questions
        ]
        text = data.pop("new_question").strip()
        required = data.pop("new_question_required")
        if text:
            questions.append({"question": None, "text": text, "required": required})
        data["questions"] = questions
        return data


class DemoDayForm(EventForm):
    """A new demo day: the event form without what a demo day fixes (kind: pitch day, organiser:
    the program's organization) or sets later on the event's own pages."""

    OMIT = ("kind", "organiser_unit", "calls", "pitches_open", "pitch_invited_only", "new_question")

    def __init__(self, *args, cohort, **kwargs):
        city = cohort.program.city or cohort.program.organization.city
        kwargs.setdefault("prefix", "demo")
        super().__init__(*args, city=city, **kwargs)
        for name in (*self.OMIT, "new_question_required"):
            del self.fields[name]
        self.fields["title"].initial = _("Demo day of %(cohort)s") % {"cohort": cohort.name}

    def service_values(self) -> dict:
        return dict(self.cleaned_data)


class DemoDayChoiceForm(forms.Form):
    event = forms.ModelChoiceField(label=_("An event of the program's organization"), queryset=Event.objects.none())

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events


def event_initial(event: Event) -> dict:
    fields = (
        "kind",
        "title",
        "description",
        "organiser_unit",
        "venue_address",
        "venue_room",
        "online_url",
        "starts_at",
        "ends_at",
        "registration_open",
        "pitches_open",
        "pitch_invited_only",
    )
    initial = {name: getattr(event, name) for name in fields}
    initial["capacity"] = digits(event.capacity)
    initial["calls"] = list(event.calls.values_list("pk", flat=True))
    return initial


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=20)
    reason = forms.CharField(
        label=pgettext_lazy("field label", "Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SessionForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    starts_at = JalaliDateTimeField(label=pgettext_lazy("field label", "Starts at"))
    ends_at = JalaliDateTimeField(label=pgettext_lazy("field label", "Ends at"))
    room = forms.CharField(label=pgettext_lazy("field label", "Room"), max_length=120, required=False)
    speakers_note = forms.CharField(
        label=pgettext_lazy("field label", "Speakers (names)"), max_length=300, required=False
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=pgettext_lazy("field label", "Question"), max_length=300)
    required = forms.BooleanField(label=pgettext_lazy("field label", "Required"), required=False)


class RegistrationForm(forms.Form):
    """One text field per registration question of the event (``q_<id>``)."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        for question in event.questions.all():
            self.fields[f"q_{question.pk}"] = forms.CharField(
                label=question.text, max_length=1000, required=question.required
            )

    def answers(self) -> dict:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")}


class CheckInForm(forms.Form):
    code = forms.CharField(label=pgettext_lazy("field label", "Check-in code"), max_length=20)


class PitchForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Organization"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("field label", "Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class PitchDecisionForm(forms.Form):
    to = forms.CharField(max_length=20)


class InviteForm(forms.Form):
    call = forms.IntegerField(min_value=1)


class ProgramForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Run by"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=pgettext_lazy("field label", "Kind"), choices=Program.Kind.choices)
    name = forms.CharField(label=pgettext_lazy("field label", "Name"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("field label", "Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class CohortForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("field label", "Name"), max_length=200)
    starts_on = JalaliDateField(label=pgettext_lazy("field label", "Starts on"))
    ends_on = JalaliDateField(label=pgettext_lazy("field label", "Ends on"))


class ApplicationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=pgettext_lazy("field label", "Organization"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty to apply as a team of individual innovators."),
    )
    team_name = forms.CharField(label=pgettext_lazy("field label", "Team name"), max_length=200)
    team = forms.CharField(label=_("Team (members and roles)"), widget=forms.Textarea(attrs={"rows": 3}))
    idea = forms.CharField(label=pgettext_lazy("field label", "Idea"), widget=forms.Textarea(attrs={"rows": 4}))
    stage = forms.ChoiceField(label=pgettext_lazy("field label", "Stage"), choices=Application.Stage.choices)
    capabilities = forms.ModelMultipleChoiceField(
        label=pgettext_lazy("field label", "Capabilities"), queryset=Capability.objects.all(), required=False
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class MentorForm(forms.Form):
    email = forms.EmailField(label=_("Mentor's email (an account on the platform)"))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("field label", "Title"), max_length=200)
    due_on = JalaliDateField(label=pgettext_lazy("field label", "Due on"))


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("field label", "Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RegisterOrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organization"), max_length=200)
    province = forms.ChoiceField(label=pgettext_lazy("field label", "Province"), choices=PROVINCES)
    city_name = forms.CharField(label=pgettext_lazy("field label", "City"), max_length=120)
