"""Pages of events, pitches, programs and cohorts. Views parse the request, ask ``programs.rules``,
call one service or selector, and render. An event or application the user may not see is a 404; a
step the user may not take is a 403; a step the rules forbid (``services.Refused``) re-renders the
page with the reasons and status 409, bad input with 400, keeping what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from hamafza.challenges.models import Call
from hamafza.core.models import City
from hamafza.directory.selectors import organizations_of_user
from hamafza.programs import forms, ical, selectors, services
from hamafza.programs.models import Application, Event, Pitch, Program, Registration, TeamMilestone
from hamafza.programs.rules import can, is_event_organiser

PAGE_SIZE = 25


def _errors_of(exc) -> list[str]:
    if isinstance(exc, services.Refused):
        return exc.reasons
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def _status_of(exc) -> int:
    return 409 if isinstance(exc, services.Refused) else 400


def _require(request, perm, obj=None) -> None:
    if not can(request.user, perm, obj):
        raise PermissionDenied(perm)


def _page(request, rows):
    paginator = Paginator(rows, PAGE_SIZE)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        return None
    if number < 1 or number > max(paginator.num_pages, 1):
        raise Http404("No such page")
    return paginator.get_page(number)


def _event_or_404(request, pk) -> Event:
    try:
        return selectors.event_get_for(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404("No such event") from exc


# ---------------------------------------------------------------------------------------------- events


def event_list(request):
    """Upcoming published events (and the drafts the user organises), by city and kind."""
    kind = request.GET.get("kind", "")
    if kind and kind not in Event.Kind.values:
        return render(request, "400.html", status=400)
    city = None
    if request.GET.get("city"):
        city = City.objects.filter(slug=request.GET["city"]).first()
        if city is None:
            return render(request, "400.html", status=400)
    page = _page(request, selectors.event_list(user=request.user, city=city, kind=kind, upcoming=True))
    if page is None:
        return render(request, "400.html", status=400)
    managed = [
        c for c in City.objects.order_by("name_en") if can(request.user, "programs.manage_event", _new_event_of(c))
    ]
    return render(
        request,
        "programs/event_list.html",
        {"page": page, "kind": kind, "kinds": Event.Kind.choices, "city": city, "managed_cities": managed},
    )


def _new_event_of(city) -> Event:
    """A not-yet-created event of `city`, to ask whether the user may create one there."""
    return Event(city=city)


def _event_form_page(request, form, save, *, success: str, context: dict):
    """The create and edit pages of an event: the form's shape, then `save(values)` (one service);
    a refusal or bad value is shown on the form, which keeps what was typed."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                target = save(form.service_values())
            except (services.Refused, ValidationError) as exc:
                _add_errors(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, success)
                return target
        else:
            status = 400
    return render(request, "programs/event_form.html", {"form": form, **context}, status=status)


@login_required
def event_create(request, city_slug):
    city = get_object_or_404(City, slug=city_slug)
    _require(request, "programs.manage_event", _new_event_of(city))

    def save(values):
        event = services.event_create(city=city, by=request.user, **values)
        return redirect("programs:event_manage", event.pk)

    form = forms.EventForm(request.POST or None, city=city)
    return _event_form_page(request, form, save, success=_("The event is saved as a draft."), context={"city": city})


@login_required
def event_edit(request, pk):
    """The organisers change every detail of the event through ``services.event_update``: a room
    venue's booking moves with it, a taken slot is named on the room field, and what was typed
    stays in the form."""
    event = _event_or_404(request, pk)
    _require(request, "programs.manage_event", event)

    def save(values):
        services.event_update(event=event, by=request.user, **values)
        return redirect("programs:event_detail", event.pk)

    form = forms.EventForm(request.POST or None, city=event.city, event=event)
    return _event_form_page(
        request, form, save, success=_("The event is saved."), context={"city": event.city, "event": event}
    )


def _add_errors(form, exc) -> None:
    if isinstance(exc, services.VenueTaken):
        for reason in exc.reasons:
            form.add_error("venue_room", reason)
    elif isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        for reason in _errors_of(exc):
            form.add_error(None, reason)


def _event_context(request, event, **extra) -> dict:
    user = request.user
    registration = selectors.registration_of(event=event, user=user)
    orgs = organizations_of_user(user=user) if user.is_authenticated else None
    context = {
        "event": event,
        "sessions": selectors.sessions_of(event=event),
        "calls": [c for c in event.calls.select_related("city") if c.is_public],
        "taken": selectors.seats_taken(event=event),
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration=registration) if registration else None,
        "registration_problems": services.registration_problems(event),
        "registration_form": forms.RegistrationForm(event=event),
        "can_manage": can(user, "programs.manage_event", event),
        "lineup": selectors.pitch_lineup(event=event) if event.pitch_results_published_at else None,
        "my_pitches": selectors.pitches_of_user(user=user, event=event),
        "pitch_form": forms.PitchForm(organizations=orgs) if orgs is not None and event.pitches_open else None,
        "demo_day_of": getattr(event, "demo_day_of", None),
    }
    context.update(extra)
    return context


def event_detail(request, pk):
    event = _event_or_404(request, pk)
    return render(request, "programs/event_detail.html", _event_context(request, event))


def event_agenda(request, pk):
    """The public agenda: sessions with times, rooms and speakers."""
    event = _event_or_404(request, pk)
    return render(
        request, "programs/event_agenda.html", {"event": event, "sessions": selectors.sessions_of(event=event)}
    )


def event_ics(request, pk):
    event = _event_or_404(request, pk)
    url = request.build_absolute_uri(reverse("programs:event_detail", args=[event.pk]))
    response = HttpResponse(ical.event_calendar(event=event, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@require_POST
def event_register(request, pk):
    event = _event_or_404(request, pk)
    form = forms.RegistrationForm(request.POST, event=event)
    if not form.is_valid():
        ctx = _event_context(request, event, registration_form=form)
        return render(request, "programs/event_detail.html", ctx, status=400)
    try:
        registration = services.registration_register(event=event, user=request.user, answers=form.answers())
    except services.Refused as exc:
        ctx = _event_context(request, event, registration_form=form, errors=exc.reasons)
        return render(request, "programs/event_detail.html", ctx, status=409)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request, _("You are registered. Your check-in code is %(code)s.") % {"code": registration.code}
        )
    else:
        messages.info(request, _("The event is full: you are on the waitlist."))
    return redirect("programs:event_detail", event.pk)


@login_required
@require_POST
def registration_cancel(request, pk):
    event = _event_or_404(request, pk)
    registration = selectors.registration_of(event=event, user=request.user)
    if registration is None:
        raise Http404("No registration")
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except services.Refused as exc:
        return render(
            request, "programs/event_detail.html", _event_context(request, event, errors=exc.reasons), status=409
        )
    messages.success(request, _("Your registration is cancelled."))
    return redirect("programs:event_detail", event.pk)


def _manage_context(request, event, **extra) -> dict:
    page = _page(request, selectors.registrations_of_event(event=event))
    context = {
        "event": event,
        "page": page,
        "taken": selectors.seats_taken(event=event),
        "questions": list(event.questions.all()),
        "sessions": selectors.sessions_of(event=event),
        "pitches": selectors.pitches_of(event=event),
        "calls": list(event.calls.all()),
        "jury": selectors.jury_of(event=event, user=request.user),
        # Setting up a jury makes its panel, whose managers are the event's organisers — not a
        # platform admin as such, who never reads scores (ADR 0006, 0030).
        "can_set_up_jury": is_event_organiser(request.user, event),
        "next_states": sorted(services.EVENT_TRANSITIONS[event.status]),
        "status_labels": dict(Event.Status.choices),
        "event_form": forms.EventForm(city=event.city),
        "session_form": forms.SessionForm(),
        "question_form": forms.QuestionForm(),
        "check_in_form": forms.CheckInForm(),
        "transition_form": forms.TransitionForm(),
    }
    context.update(extra)
    return context


def _manage_render(request, event, status=200, **extra):
    return render(request, "programs/event_manage.html", _manage_context(request, event, **extra), status=status)


@login_required
def event_manage(request, pk):
    event = _event_or_404(request, pk)
    _require(request, "programs.manage_event", event)
    if request.GET.get("page") and not request.GET["page"].isdigit():
        return render(request, "400.html", status=400)
    return _manage_render(request, event)


def _manage_post(request, pk, form_class, action, success, form_name):
    """Run one organiser action from the manage page: the form's shape, then the service."""
    event = _event_or_404(request, pk)
    _require(request, "programs.manage_event", event)
    form = form_class(request.POST)
    if not form.is_valid():
        return _manage_render(request, event, status=400, **{form_name: form})
    try:
        action(event, form.cleaned_data)
    except (services.Refused, ValidationError) as exc:
        return _manage_render(request, event, status=_status_of(exc), errors=_errors_of(exc), **{form_name: form})
    messages.success(request, success)
    return redirect("programs:event_manage", event.pk)


@login_required
@require_POST
def event_transition(request, pk):
    def action(event, data):
        services.event_transition(event=event, to=data["to"], by=request.user, reason=data["reason"])

    return _manage_post(
        request, pk, forms.TransitionForm, action, _("The event's status is changed."), "transition_form"
    )


@login_required
@require_POST
def session_add(request, pk):
    def action(event, data):
        services.session_save(event=event, by=request.user, **data)

    return _manage_post(request, pk, forms.SessionForm, action, _("The session is added."), "session_form")


@login_required
@require_POST
def question_add(request, pk):
    def action(event, data):
        services.question_save(event=event, by=request.user, **data)

    return _manage_post(request, pk, forms.QuestionForm, action, _("The question is added."), "question_form")


@login_required
@require_POST
def check_in(request, pk):
    result = {}

    def action(event, data):
        result["registration"] = services.registration_check_in(event=event, code=data["code"], by=request.user)

    response = _manage_post(request, pk, forms.CheckInForm, action, pgettext("text", "Checked in."), "check_in_form")
    if "registration" in result:
        messages.info(request, str(result["registration"].user))
    return response


# ---------------------------------------------------------------------------------------------- pitches


@login_required
@require_POST
def pitch_apply(request, pk):
    event = _event_or_404(request, pk)
    form = forms.PitchForm(request.POST, organizations=organizations_of_user(user=request.user))
    if not form.is_valid():
        return render(
            request, "programs/event_detail.html", _event_context(request, event, pitch_form=form), status=400
        )
    try:
        services.pitch_apply(event=event, by=request.user, **form.cleaned_data)
    except services.Refused as exc:
        ctx = _event_context(request, event, pitch_form=form, errors=exc.reasons)
        return render(request, "programs/event_detail.html", ctx, status=409)
    messages.success(request, _("Your application to pitch is received."))
    return redirect("programs:event_detail", event.pk)


def _pitch_or_404(event, pitch_id) -> Pitch:
    return get_object_or_404(Pitch.objects.select_related("organization", "event"), pk=pitch_id, event=event)


@login_required
@require_POST
def pitch_decide(request, pk, pitch_id):
    event = _event_or_404(request, pk)
    pitch = _pitch_or_404(event, pitch_id)
    to = request.POST.get("to", "")
    if to not in Pitch.Status.values:
        return render(request, "400.html", status=400)
    try:
        services.pitch_transition(pitch=pitch, to=to, by=request.user)
    except services.Refused as exc:
        if to == Pitch.Status.WITHDRAWN:
            return render(
                request, "programs/event_detail.html", _event_context(request, event, errors=exc.reasons), status=409
            )
        return _manage_render(request, event, status=409, errors=exc.reasons)
    messages.success(request, _("The pitch is updated."))
    if to == Pitch.Status.WITHDRAWN:
        return redirect("programs:event_detail", event.pk)
    return redirect("programs:event_manage", event.pk)


@login_required
@require_POST
def pitch_invite(request, pk, pitch_id):
    event = _event_or_404(request, pk)
    pitch = _pitch_or_404(event, pitch_id)
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return _manage_render(request, event, status=400, errors=[_("Choose a call.")])
    call = Call.objects.filter(pk=form.cleaned_data["call"], city_id=event.city_id, judging_only=False).first()
    if call is None:
        return _manage_render(request, event, status=400, errors=[_("Choose a call of this city.")])
    try:
        services.pitch_invite_to_call(pitch=pitch, call=call, by=request.user)
    except services.Refused as exc:
        return _manage_render(request, event, status=409, errors=exc.reasons)
    except ValidationError as exc:
        return _manage_render(request, event, status=400, errors=_errors_of(exc))
    messages.success(request, _("The organization is invited to the call."))
    return redirect("programs:event_manage", event.pk)


@login_required
@require_POST
def jury_setup(request, pk):
    """Set up the jury of a pitch event without a linked call, then manage it on the panel's
    evaluation page (judges, rubric, scoring; ADR 0030)."""
    event = _event_or_404(request, pk)
    _require(request, "programs.manage_event", event)
    try:
        event = services.event_jury_setup(event=event, by=request.user)
    except services.Refused as exc:
        return _manage_render(request, event, status=409, errors=exc.reasons)
    messages.success(request, _("The jury is set up: add its judges and its rubric, then start the scoring."))
    return redirect("proposals:evaluation", call_id=event.jury_call_id)


@login_required
@require_POST
def pitch_results_publish(request, pk):
    event = _event_or_404(request, pk)
    _require(request, "programs.manage_event", event)
    try:
        services.pitch_results_publish(event=event, by=request.user)
    except services.Refused as exc:
        return _manage_render(request, event, status=409, errors=exc.reasons)
    messages.success(request, _("The pitch results are published."))
    return redirect("programs:event_manage", event.pk)


# ---------------------------------------------------------------------------------------------- programs


def _managed_orgs(user):
    return selectors.admin_organizations_of(user=user)


def program_list(request):
    page = _page(request, selectors.program_list())
    if page is None:
        return render(request, "400.html", status=400)
    return render(request, "programs/program_list.html", {"page": page})


@login_required
def program_create(request):
    form = forms.ProgramForm(request.POST or None, organizations=_managed_orgs(request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                program = services.program_create(by=request.user, city=data["organization"].city, **data)
            except services.Refused as exc:
                _add_errors(form, exc)
                status = 409
            else:
                return redirect("programs:program_detail", program.pk)
        else:
            status = 400
    return render(request, "programs/program_form.html", {"form": form}, status=status)


def program_detail(request, pk):
    program = get_object_or_404(Program.objects.select_related("organization", "city"), pk=pk)
    can_manage = can(request.user, "programs.manage_program", program)
    form = forms.CohortForm(request.POST or None) if can_manage else None
    status = 200
    if request.method == "POST":
        _require(request, "programs.manage_program", program)
        if form.is_valid():
            try:
                cohort = services.cohort_create(program=program, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                return redirect("programs:cohort_detail", cohort.pk)
        else:
            status = 400
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, "cohorts": selectors.cohorts_of(program=program), "can_manage": can_manage, "form": form},
        status=status,
    )


def _cohort_or_404(pk):
    try:
        return selectors.cohort_get(pk=pk)
    except Exception as exc:
        raise Http404("No such cohort") from exc


def cohort_detail(request, pk):
    return _cohort_render(request, _cohort_or_404(pk))


def _cohort_render(request, cohort, status=200, **extra):
    user = request.user
    can_manage = can(user, "programs.manage_program", cohort)
    state = request.GET.get("state", "")
    if state and state not in Application.State.values:
        return render(request, "400.html", status=400)
    applications = (
        selectors.application_list_for(user=user, cohort=cohort, state=state) if user.is_authenticated else []
    )
    demo_day = cohort.demo_day
    context = {
        "cohort": cohort,
        "program": cohort.program,
        "can_manage": can_manage,
        "applications": applications,
        "state": state,
        "states": Application.State.choices,
        "demo_day_visible": demo_day is not None and can(user, "programs.view_event", demo_day),
        "demo_day_editable": demo_day is not None and can(user, "programs.manage_event", demo_day),
    }
    if can_manage:
        context["demo_day_form"] = forms.DemoDayForm(cohort=cohort)
        context["demo_day_choice_form"] = forms.DemoDayChoiceForm(
            events=selectors.demo_day_candidates(cohort=cohort), initial={"event": cohort.demo_day_id}
        )
    context.update(extra)
    return render(request, "programs/cohort_detail.html", context, status=status)


@login_required
@require_POST
def cohort_demo_day_create(request, pk):
    """The program's managers create the cohort's demo day (a pitch-day event of the program's
    organization) from the cohort page; it replaces the previous one."""
    cohort = _cohort_or_404(pk)
    _require(request, "programs.manage_program", cohort)
    form = forms.DemoDayForm(request.POST, cohort=cohort)
    if not form.is_valid():
        return _cohort_render(request, cohort, status=400, demo_day_form=form)
    try:
        event = services.cohort_demo_day_create(cohort=cohort, by=request.user, **form.service_values())
    except (services.Refused, ValidationError) as exc:
        _add_errors(form, exc)
        return _cohort_render(request, cohort, status=_status_of(exc), demo_day_form=form)
    messages.success(request, _("The demo day is created as a draft event; publish it from its manage page."))
    return redirect("programs:event_manage", event.pk)


@login_required
@require_POST
def cohort_demo_day_choose(request, pk):
    """Set (or change) the cohort's demo day to an event of the program's organization."""
    cohort = _cohort_or_404(pk)
    _require(request, "programs.manage_program", cohort)
    form = forms.DemoDayChoiceForm(request.POST, events=selectors.demo_day_candidates(cohort=cohort))
    if not form.is_valid():
        return _cohort_render(request, cohort, status=400, demo_day_choice_form=form)
    try:
        services.cohort_set_demo_day(cohort=cohort, event=form.cleaned_data["event"], by=request.user)
    except services.Refused as exc:
        _add_errors(form, exc)
        return _cohort_render(request, cohort, status=409, demo_day_choice_form=form)
    messages.success(request, _("The demo day is set."))
    return redirect("programs:cohort_detail", cohort.pk)


@login_required
def cohort_apply(request, pk):
    cohort = _cohort_or_404(pk)
    form = forms.ApplicationForm(request.POST or None, organizations=organizations_of_user(user=request.user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                application = services.application_submit(cohort=cohort, by=request.user, **form.cleaned_data)
            except services.Refused as exc:
                _add_errors(form, exc)
                status = 409
            else:
                messages.success(request, _("Your application is received."))
                return redirect("programs:application_detail", application.pk)
        else:
            status = 400
    return render(request, "programs/application_form.html", {"form": form, "cohort": cohort}, status=status)


def _application_or_404(request, pk) -> Application:
    try:
        return selectors.application_get_for(user=request.user, pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404("No such application") from exc


def _application_render(request, application, status=200, **extra):
    user = request.user
    context = {
        "application": application,
        "cohort": application.cohort,
        "can_manage": can(user, "programs.manage_program", application),
        "can_sign_off": can(user, "programs.sign_off_milestone", application),
        "can_register_org": (
            can(user, "programs.register_team_organization", application)
            and application.state == Application.State.GRADUATED
            and not application.organization_id
            and not application.registered_organization_id
        ),
        "next_states": [
            s for s in Application.State.values if s in services.APPLICATION_TRANSITIONS[application.state]
        ],
        "state_labels": dict(Application.State.choices),
        "transition_form": forms.TransitionForm(),
        "mentor_form": forms.MentorForm(),
        "milestone_form": forms.MilestoneForm(),
        "register_form": forms.RegisterOrganizationForm(),
        **selectors.application_details(application=application),
    }
    context.update(extra)
    return render(request, "programs/application_detail.html", context, status=status)


@login_required
def application_detail(request, pk):
    return _application_render(request, _application_or_404(request, pk))


def _application_post(request, pk, form_class, action, success, form_name):
    application = _application_or_404(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _application_render(request, application, status=400, **{form_name: form})
    try:
        action(application, form.cleaned_data)
    except (services.Refused, ValidationError) as exc:
        return _application_render(
            request, application, status=_status_of(exc), errors=_errors_of(exc), **{form_name: form}
        )
    messages.success(request, success)
    return redirect("programs:application_detail", application.pk)


@login_required
@require_POST
def application_transition(request, pk):
    def action(application, data):
        if data["to"] not in Application.State.values:
            raise ValidationError(pgettext("text", "Unknown stage."))
        services.application_transition(application=application, to=data["to"], by=request.user, reason=data["reason"])

    return _application_post(request, pk, forms.TransitionForm, action, _("The stage is changed."), "transition_form")


@login_required
@require_POST
def mentor_assign(request, pk):
    def action(application, data):
        user = get_user_model().objects.filter(email__iexact=data["email"]).first()
        if user is None:
            raise services.Refused(_("No account has this email address."))
        services.mentor_assign(
            application=application, by=request.user, user=user, person=getattr(user, "person", None)
        )

    return _application_post(request, pk, forms.MentorForm, action, _("The mentor is assigned."), "mentor_form")


@login_required
@require_POST
def milestone_add(request, pk):
    def action(application, data):
        services.milestone_add(application=application, by=request.user, **data)

    return _application_post(request, pk, forms.MilestoneForm, action, _("The milestone is added."), "milestone_form")


@login_required
@require_POST
def milestone_sign_off(request, pk, milestone_id):
    def action(application, data):
        milestone = get_object_or_404(TeamMilestone, pk=milestone_id, application=application)
        services.milestone_sign_off(milestone=milestone, by=request.user, note=data["note"])

    return _application_post(request, pk, forms.SignOffForm, action, _("The milestone is signed off."), "sign_off_form")


@login_required
@require_POST
def register_organization(request, pk):
    def action(application, data):
        services.application_register_organization(application=application, by=request.user, **data)

    return _application_post(
        request,
        pk,
        forms.RegisterOrganizationForm,
        action,
        _("The team is registered as an organization."),
        "register_form",
    )


@login_required
def my_programs(request):
    """The person's workspace: their event registrations and their teams' milestones."""
    return render(
        request,
        "programs/mine.html",
        {
            "registrations": selectors.registrations_of_user(user=request.user),
            "milestones": selectors.milestones_of_user(user=request.user),
        },
    )
