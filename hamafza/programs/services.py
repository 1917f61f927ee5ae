"""Writes of events, registrations, pitches, programs and cohorts.

Every service takes keyword-only arguments, checks ``by``'s permission (``programs.rules``, raising
PermissionDenied), runs in a transaction, enforces the business rules (raising ``Refused`` with
reasons for the user, or ValidationError for bad values) and leaves a simple-history row. Each
state machine has one transition service: :func:`event_transition`, :func:`pitch_transition` and
:func:`application_transition` (with an ``ApplicationTransition`` audit row); a registration's
state changes only in :func:`registration_register` and :func:`registration_cancel`, which lock the
event row so the capacity holds under concurrent requests. Notifications follow after commit.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.challenges.models import Call
from hamafza.challenges.notifications import notify
from hamafza.challenges.services import call_update_settings, judging_call_create
from hamafza.core import errors
from hamafza.core.dates import date_problem
from hamafza.core.formatting import format_date, num
from hamafza.core.models import Unit
from hamafza.core.services import save_validated
from hamafza.core.text import normalize
from hamafza.directory import services as directory_services
from hamafza.directory.models import OrganizationKind
from hamafza.programs import rules as program_rules
from hamafza.programs import selectors
from hamafza.programs.models import (
    CODE_ALPHABET,
    Application,
    ApplicationTransition,
    Cohort,
    Event,
    EventSession,
    MentorAssignment,
    Pitch,
    Program,
    Registration,
    RegistrationQuestion,
    TeamMilestone,
    new_check_in_code,
)
from hamafza.proposals import services as proposal_services
from hamafza.proposals.models import Panel
from hamafza.proposals.selectors import panel_for_call, panel_results, proposal_for_applicant
from hamafza.spaces import services as space_services
from hamafza.spaces.models import Resource


class Refused(errors.Refused):
    """A step the rules or the current state forbid; ``reasons`` are shown to the user."""


class VenueTaken(Refused):
    """The event's co-working room is booked at that time (the message names the slot)."""

    code = "slot_taken"


def _require(user, perm: str, obj=None) -> None:
    if not program_rules.can(user, perm, obj):
        raise PermissionDenied(perm)


def _event_url(event) -> str:
    return f"/fa/events/{event.pk}/"


def _check_span(starts_at, ends_at) -> None:
    problems = {name: date_problem(value) for name, value in (("starts_at", starts_at), ("ends_at", ends_at))}
    problems = {name: p for name, p in problems.items() if p}
    if not problems and starts_at and ends_at and ends_at < starts_at:
        problems["ends_at"] = _("The end must not be before the start.")
    if problems:
        raise ValidationError(problems)


# ---------------------------------------------------------------------------------------------- events

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "organiser_unit",
    "organiser_organization",
    "venue_address",
    "online_url",
    "venue_room",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_open",
    "pitches_open",
    "pitch_invited_only",
)


def _check_event(event: Event) -> None:
    _check_span(event.starts_at, event.ends_at)
    problems = {}
    if event.organiser_unit_id and event.organiser_unit.city_id != event.city_id:
        problems["organiser_unit"] = _("The unit belongs to another city.")
    room = event.venue_room
    if room is not None:
        if room.kind != Resource.Kind.ROOM or room.space.city_id != event.city_id:
            problems["venue_room"] = _("Choose a room of a co-working space in the event's city.")
        elif event.capacity and event.capacity > room.capacity:
            problems["capacity"] = _("The room seats %(n)s people: lower the capacity or choose a larger room.") % {
                "n": num(room.capacity)
            }
    elif not event.venue_address.strip() and not event.online_url:
        problems["venue_address"] = _("Give an address, a co-working room or an online link.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def event_create(*, city, by, calls=(), questions=(), **values) -> Event:
    """A draft event of `city` (its innovation manager, or a platform admin; an organization's
    admins may create events their organization organises). `questions`: registration questions
    as ``{"text", "required"}``. A co-working room as the venue is booked for the event's time."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    event = Event(city=city, created_by=by, **values)
    _require(by, "programs.manage_event", event)
    _check_event(event)
    save_validated(event, by)
    if calls:
        event.calls.set(calls)
    _save_questions(event, by, questions)
    _sync_venue_booking(event, by)
    return event


def _save_questions(event: Event, by, questions) -> None:
    """Add new questions and change the given ones (``{"question": row or None, "text",
    "required"}``); a question left as it was is not written again."""
    for item in questions:
        question, text, required = item.get("question"), item["text"].strip(), bool(item.get("required"))
        if question is not None and (question.event_id != event.pk):
            raise ValidationError(pgettext("message", "Unknown question."))
        if question is not None and (question.text, question.required) == (text, required):
            continue
        if not text:
            raise ValidationError({"questions": _("A registration question cannot be empty.")})
        question_save(event=event, by=by, text=text, required=required, question=question)


def _hold_key(event: Event) -> str:
    return f"programs.event:{event.pk}"


def _sync_venue_booking(event: Event, by) -> None:
    """Keep the room's booking in step with the event: a room venue of a live event holds the room
    for the event's time (placed, moved or moved to another room through
    ``spaces.services.hold_place``, with its no-overlap guarantee); no room, or a cancelled
    event, releases it. A taken slot refuses the whole change (``VenueTaken`` naming the slot). An
    event that has ended keeps its booking as it was (its time cannot be booked any more)."""
    if event.ends_at <= timezone.now():
        return
    booking = event.venue_booking
    if event.venue_room_id and event.status != Event.Status.CANCELLED:
        room = event.venue_room
        if (
            booking is not None
            and booking.state == booking.State.CONFIRMED
            and (booking.resource_id, booking.starts_at, booking.ends_at) == (room.pk, event.starts_at, event.ends_at)
        ):
            return
        try:
            held = space_services.hold_place(
                resource=room,
                by=by,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
                held_for=_hold_key(event),
                purpose=event.title,
                attendees=min(event.capacity, room.capacity),
                booking=booking,
            )
        except space_services.SlotTaken as exc:
            raise VenueTaken(exc.reasons) from exc
        except space_services.BookingRefused as exc:
            raise ValidationError({"venue_room": exc.reasons}) from exc
        except ValidationError as exc:
            raise ValidationError({"venue_room": exc.messages}) from exc
    else:
        held = None
        if booking is not None:
            space_services.hold_release(booking=booking, held_for=_hold_key(event))
    if held != booking or (held is not None and event.venue_booking_id != held.pk):
        event.venue_booking = held
        event._history_user = by
        event.save(update_fields=["venue_booking"])


@transaction.atomic
def event_update(*, event: Event, by, calls=None, questions=(), **values) -> Event:
    """Change the event's details (each change kept in the event's history). Lowering the capacity
    never removes a confirmed seat. A co-working room venue moves with the event (its booking is
    moved, or released when the venue is no longer a room); a taken slot refuses the change."""
    _require(by, "programs.manage_event", event)
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = event.capacity
    for name, value in values.items():
        setattr(event, name, value)
    _check_event(event)
    save_validated(event, by)
    if calls is not None:
        calls = list(calls)
        if event.jury_call_id and calls:
            raise Refused(_("This event has its own jury: its pitches are not judged by a linked call."))
        if any(c.judging_only for c in calls):
            raise ValidationError({"calls": _("Choose a call of this city.")})
        event.calls.set(calls)
    _save_questions(event, by, questions)
    _sync_venue_booking(event, by)
    if event.capacity > before:
        _promote_waitlist(event)
    return event


EVENT_TRANSITIONS = {
    Event.Status.DRAFT: {Event.Status.PUBLISHED, Event.Status.CANCELLED},
    Event.Status.PUBLISHED: {Event.Status.CANCELLED},
    Event.Status.CANCELLED: set(),
}


@transaction.atomic
def event_transition(*, event: Event, to: str, by, reason: str = "") -> Event:
    """Publish or cancel the event (draft → published → cancelled; a draft may be cancelled). A
    cancellation needs a reason and tells every registrant."""
    _require(by, "programs.manage_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if to not in EVENT_TRANSITIONS.get(event.status, set()):
        raise Refused(_("The event cannot move from “%(from)s” to “%(to)s”.") % {"from": event.status, "to": to})
    if to == Event.Status.CANCELLED and not reason.strip():
        raise Refused(_("Give a reason for the cancellation."))
    event.status = to
    save_validated(event, by)
    if to == Event.Status.CANCELLED:
        _sync_venue_booking(event, by)
        users = [
            r.user for r in event.registrations.exclude(status=Registration.Status.CANCELLED).select_related("user")
        ]
        notify(
            users=users,
            kind="event_cancelled",
            params={"title": event.title, "reason": reason.strip()},
            url=_event_url(event),
        )
    return event


@transaction.atomic
def session_save(*, event: Event, by, session: EventSession | None = None, people=(), organizations=(), **values):
    """Add or change an agenda session; it must lie within the event."""
    _require(by, "programs.manage_event", event)
    session = session or EventSession(event=event)
    for name, value in values.items():
        setattr(session, name, value)
    _check_span(session.starts_at, session.ends_at)
    if session.starts_at < event.starts_at or session.ends_at > event.ends_at:
        raise ValidationError({"starts_at": _("A session must lie within the event's start and end.")})
    save_validated(session, by)
    session.speaker_people.set(people)
    session.speaker_organizations.set(organizations)
    return session


@transaction.atomic
def session_remove(*, session: EventSession, by) -> None:
    _require(by, "programs.manage_event", session.event)
    session._history_user = by
    session.delete()


@transaction.atomic
def question_save(*, event: Event, by, text: str, required: bool = False, question=None) -> RegistrationQuestion:
    _require(by, "programs.manage_event", event)
    question = question or RegistrationQuestion(event=event, position=event.questions.count())
    question.text = text.strip()
    question.required = required
    return save_validated(question, by)


# ---------------------------------------------------------------------------------------------- registration


def _clean_answers(event: Event, answers: dict) -> dict:
    """Answers keyed by question id (as text); a required question left empty is refused."""
    cleaned, missing = {}, []
    for question in event.questions.all():
        value = str(answers.get(str(question.pk), answers.get(question.pk, "")) or "").strip()[:1000]
        if question.required and not value:
            missing.append(question.text)
        if value:
            cleaned[str(question.pk)] = value
    if missing:
        raise Refused([_("Answer the question “%(question)s”.") % {"question": q} for q in missing])
    return cleaned


def registration_problems(event: Event, now=None) -> list[str]:
    """Why nobody can register for `event` now ([] when registration is possible)."""
    now = now or timezone.now()
    if event.status != Event.Status.PUBLISHED:
        return [_("This event is not open for registration.")]
    if not event.registration_open:
        return [_("Registration for this event is closed.")]
    if event.ends_at <= now:
        return [_("This event has ended.")]
    return []


def _unique_code(event: Event) -> str:
    taken = set(event.registrations.values_list("code", flat=True))
    for _attempt in range(50):
        code = new_check_in_code()
        if code not in taken:
            return code
    raise Refused(_("No check-in code is free; try again."))


def registration_register(*, event: Event, user, answers: dict | None = None, now=None) -> Registration:
    """Register `user` for `event`: a confirmed seat while seats remain, else a place on the
    waitlist. The event row is locked (SELECT … FOR UPDATE) while the seats are counted, so
    concurrent registrations never exceed the capacity. Registering again after a cancellation
    re-activates the row (at the end of the queue); registering twice is refused."""
    _require(user, "programs.register_event", event)
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        problems = registration_problems(event, now)
        if problems:
            raise Refused(problems)
        cleaned = _clean_answers(event, answers or {})
        existing = Registration.objects.filter(event=event, user=user).first()
        if existing and existing.status != Registration.Status.CANCELLED:
            raise Refused(_("You are already registered for this event."))
        taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
        confirmed = taken < event.capacity
        registration = existing or Registration(event=event, user=user, code=_unique_code(event))
        registration.status = Registration.Status.CONFIRMED if confirmed else Registration.Status.WAITLISTED
        registration.answers = cleaned
        registration.requested_at = now
        registration.confirmed_at = now if confirmed else None
        registration.cancelled_at = None
        registration.reminded_at = None
        registration._history_user = user
        registration.save()
        _notify_registration(registration)
    return registration


def _notify_registration(registration: Registration) -> None:
    event = registration.event
    params = {
        "title": event.title,
        "when": format_date(event.starts_at, with_time=True),
        "code": registration.code,
    }
    kind = "event_registered" if registration.status == Registration.Status.CONFIRMED else "event_waitlisted"
    notify(users=[registration.user], kind=kind, params=params, url=_event_url(event))


def _promote_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the waitlist in order (the caller holds the event's row lock)."""
    taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
    free = max(event.capacity - taken, 0)
    if not free or event.status != Event.Status.PUBLISHED:
        return []
    promoted = list(
        Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
        .select_related("user", "event")
        .order_by("requested_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save()
        notify(
            users=[registration.user],
            kind="event_promoted",
            params={"title": event.title, "code": registration.code},
            url=_event_url(event),
        )
    return promoted


def registration_cancel(*, registration: Registration, by) -> Registration:
    """Cancel a registration (the person, or an organiser). A freed seat goes to the first person on
    the waitlist at once, who is told."""
    if by.pk != registration.user_id:
        _require(by, "programs.manage_event", registration.event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            raise Refused(_("This registration is already cancelled."))
        if registration.checked_in_at:
            raise Refused(_("A registration that has checked in cannot be cancelled."))
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.confirmed_at = None
        registration._history_user = by
        registration.save()
        _promote_waitlist(event)
    return registration


def normalise_code(code: str) -> str:
    return normalize(code or "").replace(" ", "").replace("-", "").upper()


@transaction.atomic
def registration_check_in(*, event: Event, code: str, by) -> Registration:
    """Check in the confirmed registration with this short code at the door (an organiser)."""
    _require(by, "programs.manage_event", event)
    code = normalise_code(code)
    if not code or any(ch not in CODE_ALPHABET for ch in code):
        raise Refused(_("No registration has this code."))
    registration = (
        Registration.objects.select_for_update().select_related("user").filter(event=event, code=code).first()
    )
    if registration is None:
        raise Refused(_("No registration has this code."))
    if registration.status != Registration.Status.CONFIRMED:
        raise Refused(
            _("This registration is not confirmed (%(status)s).") % {"status": registration.get_status_display()}
        )
    if registration.checked_in_at:
        raise Refused(
            _("Already checked in at %(when)s.") % {"when": format_date(registration.checked_in_at, with_time=True)}
        )
    registration.checked_in_at = timezone.now()
    registration._history_user = by
    registration.save()
    return registration


def send_event_reminders(*, now=None) -> int:
    """One reminder to each confirmed registrant of an event starting within 24 hours (the
    ``reminded_at`` column makes it safe to run twice)."""
    sent = 0
    for registration in selectors.registrations_to_remind(now=now):
        with transaction.atomic():
            updated = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not updated:
                continue
            event = registration.event
            notify(
                users=[registration.user],
                kind="event_reminder",
                params={
                    "title": event.title,
                    "when": format_date(event.starts_at, with_time=True),
                    "code": registration.code,
                },
                url=_event_url(event),
            )
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------- pitches


def pitch_eligibility_problems(*, event: Event, organization) -> list[str]:
    problems = []
    if event.status != Event.Status.PUBLISHED or not event.pitches_open:
        problems.append(_("This event does not take pitch applications now."))
    if event.pitch_invited_only:
        calls = list(event.calls.all())
        invited = any(c.invited_organizations.filter(pk=organization.pk).exists() for c in calls)
        matched = any(proposal_for_applicant(call=c, organization=organization) for c in calls)
        if not (invited or matched):
            problems.append(_("Only organizations invited to, or applying to, a linked call may pitch."))
    return problems


@transaction.atomic
def pitch_apply(*, event: Event, organization, by, title: str, summary: str = "") -> Pitch:
    """An organization (one of its members) applies to pitch. When the organization has a submitted
    proposal to one of the event's linked calls, the pitch is linked to it: the call's panel judges
    it (ADR 0016)."""
    _require(by, "programs.apply_pitch", organization)
    event = Event.objects.select_for_update().get(pk=event.pk)
    problems = pitch_eligibility_problems(event=event, organization=organization)
    if problems:
        raise Refused(problems)
    if Pitch.objects.filter(event=event, organization=organization).exists():
        raise Refused(_("This organization has already applied to pitch at this event."))
    proposal = None
    for call in event.calls.all():
        candidate = proposal_for_applicant(call=call, organization=organization)
        if candidate is not None and candidate.is_submitted and not hasattr(candidate, "pitch"):
            proposal = candidate
            break
    pitch = Pitch(
        event=event,
        organization=organization,
        title=title.strip(),
        summary=summary.strip(),
        proposal=proposal,
        created_by=by,
    )
    return save_validated(pitch, by)


PITCH_TRANSITIONS = {
    Pitch.Status.APPLIED: {Pitch.Status.SELECTED, Pitch.Status.NOT_SELECTED, Pitch.Status.WITHDRAWN},
    Pitch.Status.SELECTED: {Pitch.Status.NOT_SELECTED, Pitch.Status.WITHDRAWN},
    Pitch.Status.NOT_SELECTED: {Pitch.Status.SELECTED},
    Pitch.Status.WITHDRAWN: set(),
}


@transaction.atomic
def pitch_transition(*, pitch: Pitch, to: str, by, slot: int | None = None) -> Pitch:
    """Select a pitch into the line-up (with its order), leave it out, or withdraw it (the
    organization). The line-up is fixed once the results are published."""
    pitch = Pitch.objects.select_for_update().select_related("event", "organization").get(pk=pitch.pk)
    if to == Pitch.Status.WITHDRAWN:
        _require(by, "programs.apply_pitch", pitch.organization)
    else:
        _require(by, "programs.manage_event", pitch.event)
    if pitch.event.pitch_results_published_at:
        raise Refused(_("The pitch results are published; the line-up is fixed."))
    if to not in PITCH_TRANSITIONS.get(pitch.status, set()):
        raise Refused(_("This pitch cannot move from “%(from)s” to “%(to)s”.") % {"from": pitch.status, "to": to})
    pitch.status = to
    if to == Pitch.Status.SELECTED:
        pitch.slot = slot or (
            (
                pitch.event.pitches.filter(status=Pitch.Status.SELECTED)
                .order_by("-slot")
                .values_list("slot", flat=True)
                .first()
                or 0
            )
            + 1
        )
    else:
        pitch.slot = None
    if pitch.event.jury_call_id:
        _jury_follow_lineup(pitch, by)
    save_validated(pitch, by)
    notify(
        users=_org_users(pitch.organization),
        kind="pitch_state",
        params={"title": pitch.event.title, "state": pitch.get_status_display()},
        url=_event_url(pitch.event),
    )
    return pitch


def _org_users(organization):
    return [m.user for m in organization.memberships.select_related("user")]


@transaction.atomic
def pitch_results_publish(*, event: Event, by) -> Event:
    """Publish the line-up's results: the pitches in order and, for each judged through a linked
    call's panel, its standing once that panel has closed. At an event with a jury (ADR 0030), the
    jury's scoring must be closed: each pitch's rank and score (0–100) of the panel's aggregation
    are written on it and shown on the event's page from now on."""
    _require(by, "programs.manage_event", event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.pitch_results_published_at:
        raise Refused(_("The pitch results are already published."))
    if not event.pitches.filter(status=Pitch.Status.SELECTED).exists():
        raise Refused(_("Select at least one pitch into the line-up first."))
    if event.jury_call_id:
        panel = panel_for_call(call=event.jury_call)
        if panel is None or panel.status != Panel.Status.CLOSED:
            raise Refused(_("Close the jury's scoring before publishing the pitch results."))
        standing = {row["proposal"].pk: row["result"] for row in panel_results(panel=panel)}
        for pitch in event.pitches.filter(status=Pitch.Status.SELECTED, proposal__isnull=False):
            result = standing.get(pitch.proposal_id)
            pitch.jury_rank = result.rank if result else None
            pitch.jury_score = round(result.score, 2) if result and result.score is not None else None
            save_validated(pitch, by)
    event.pitch_results_published_at = timezone.now()
    save_validated(event, by)
    for pitch in event.pitches.filter(status=Pitch.Status.SELECTED).select_related("organization"):
        notify(
            users=_org_users(pitch.organization),
            kind="pitch_results",
            params={"title": event.title},
            url=_event_url(event),
        )
    return event


# ---------------------------------------------------------------------------------------------- the jury


def _jury_unit(event: Event) -> Unit | None:
    """The unit the jury's hidden call belongs to (a call always has one): the organising unit, else
    the city's innovation centre, else the city's first unit."""
    if event.organiser_unit_id:
        return event.organiser_unit
    units = Unit.objects.filter(city_id=event.city_id)
    return units.filter(kind=Unit.Kind.INNOVATION).order_by("pk").first() or units.order_by("pk").first()


def _jury_refusal(exc: proposal_services.Refused) -> Refused:
    return Refused(exc.reasons)


def _jury_follow_lineup(pitch: Pitch, by) -> None:
    """Keep the jury's line-up the event's: a selected pitch is filed as a submitted proposal of its
    organization to the jury's call, a pitch leaving the line-up is withdrawn from it. Refused once
    the jury scores (the line-up is then fixed)."""
    try:
        if pitch.status == Pitch.Status.SELECTED:
            pitch.proposal = proposal_services.jury_proposal_file(
                call=pitch.event.jury_call,
                organization=pitch.organization,
                title=pitch.title,
                summary=pitch.summary,
                by=by,
            )
        elif pitch.proposal_id and pitch.proposal.call_id == pitch.event.jury_call_id:
            proposal_services.jury_proposal_withdraw(proposal=pitch.proposal, by=by)
    except proposal_services.Refused as exc:
        raise _jury_refusal(exc) from exc


@transaction.atomic
def event_jury_setup(*, event: Event, by) -> Event:
    """Set up the jury of a pitch event without a linked call (ADR 0030): a hidden call of the event's
    city, in evaluation, with its panel (``proposals.services.panel_create``), and the line-up's
    pitches filed as its proposals. The organisers then choose judges and the rubric, start and close
    the scoring on the panel's evaluation page; the judges declare conflicts and score on their
    usual pages. Setting it up twice returns the same jury."""
    _require(by, "programs.manage_event", event)
    # Only the event's row is locked (the organising unit is an outer join, which PostgreSQL cannot lock).
    event = Event.objects.select_for_update(of=("self",)).select_related("city", "organiser_unit").get(pk=event.pk)
    if event.jury_call_id:
        return event
    problems = []
    if event.status == Event.Status.CANCELLED:
        problems.append(_("The event is cancelled."))
    if event.calls.exists():
        problems.append(_("This event's pitches are judged by the panels of its linked calls."))
    if event.pitch_results_published_at:
        problems.append(_("The pitch results are already published."))
    unit = _jury_unit(event)
    if unit is None:
        problems.append(_("The city has no unit to hold the jury."))
    if problems:
        raise Refused(problems)
    title = _("Jury of the pitches: %(event)s") % {"event": event.title}
    event.jury_call = judging_call_create(city=event.city, unit=unit, by=by, title=title)
    save_validated(event, by)
    proposal_services.panel_create(call=event.jury_call, by=by)
    for pitch in event.pitches.filter(status=Pitch.Status.SELECTED).select_related("organization", "event"):
        if pitch.proposal_id is None:
            _jury_follow_lineup(pitch, by)
            save_validated(pitch, by)
    return event


@transaction.atomic
def pitch_invite_to_call(*, pitch: Pitch, call: Call, by) -> Pitch:
    """A pitch leads to an invitation: the organization is added to the invited organizations of
    `call` through the call's own service (``challenges.services.call_update_settings``, which
    checks the caller manages the call and tells the organization)."""
    pitch = Pitch.objects.select_for_update().select_related("event", "organization").get(pk=pitch.pk)
    _require(by, "programs.manage_event", pitch.event)
    if pitch.status != Pitch.Status.SELECTED:
        raise Refused(_("Only a pitch in the line-up can lead to an invitation."))
    if call.city_id != pitch.event.city_id:
        raise Refused(_("The call belongs to another city."))
    if call.judging_only:
        raise Refused(_("Choose a call of this city."))
    invited = list(call.invited_organizations.all())
    if pitch.organization not in invited:
        call_update_settings(call=call, by=by, invited_organizations=[*invited, pitch.organization])
    pitch.invited_to_call = call
    return save_validated(pitch, by)


# ---------------------------------------------------------------------------------------------- programs

PROGRAM_RUNNERS = {
    Program.Kind.INCUBATION: {OrganizationKind.INCUBATOR, OrganizationKind.SCIENCE_PARK},
    Program.Kind.ACCELERATION: {OrganizationKind.ACCELERATOR},
}


@transaction.atomic
def program_create(*, organization, kind: str, name: str, by, city=None, description: str = "") -> Program:
    """A program run by an organization of the matching kind (an incubator or a science park's
    incubation centre incubates; an accelerator accelerates)."""
    program = Program(organization=organization, kind=kind, name=name.strip(), city=city, description=description)
    _require(by, "programs.manage_program", program)
    if organization.kind not in PROGRAM_RUNNERS.get(kind, set()):
        raise Refused(
            _("A %(kind)s program is run by an organization of that kind, not by a %(org_kind)s.")
            % {"kind": program.get_kind_display(), "org_kind": organization.get_kind_display()}
        )
    return save_validated(program, by)


@transaction.atomic
def cohort_create(*, program: Program, name: str, starts_on, ends_on, by, demo_day=None) -> Cohort:
    _require(by, "programs.manage_program", program)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end must not be before the start.")})
    cohort = Cohort(program=program, name=name.strip(), starts_on=starts_on, ends_on=ends_on, demo_day=demo_day)
    return save_validated(cohort, by)


@transaction.atomic
def cohort_set_demo_day(*, cohort: Cohort, event: Event, by) -> Cohort:
    """The cohort's demo day is an event (a pitch day or an exhibition) its managers organise; it
    can be changed to another event, not to one that is another cohort's demo day or cancelled."""
    _require(by, "programs.manage_program", cohort)
    _require(by, "programs.manage_event", event)
    other = Cohort.objects.filter(demo_day=event).exclude(pk=cohort.pk).first()
    if other is not None:
        raise Refused(_("This event is already the demo day of the cohort “%(cohort)s”.") % {"cohort": other.name})
    if event.status == Event.Status.CANCELLED:
        raise Refused(_("A cancelled event cannot be the demo day."))
    cohort.demo_day = event
    return save_validated(cohort, by)


@transaction.atomic
def cohort_demo_day_create(*, cohort: Cohort, by, **values) -> Event:
    """Create the cohort's demo day and set it: a draft pitch-day event (unless another kind is
    given) organised by the program's organization in the program's city, through
    :func:`event_create` (a co-working room venue is booked the same way). It replaces the
    cohort's previous demo day, which stays as an event of its own."""
    _require(by, "programs.manage_program", cohort)
    program = cohort.program
    city = program.city or program.organization.city
    if city is None:
        raise Refused(_("The program has no city on the platform: an event needs one."))
    values.setdefault("kind", Event.Kind.PITCH_DAY)
    event = event_create(city=city, by=by, organiser_organization=program.organization, **values)
    cohort_set_demo_day(cohort=cohort, event=event, by=by)
    return event


@transaction.atomic
def application_submit(
    *,
    cohort: Cohort,
    by,
    team_name: str,
    team: str,
    idea: str,
    stage: str,
    organization=None,
    members=(),
    capabilities=(),
) -> Application:
    """Apply to a cohort, as an organization (one of its members) or as a team of individual
    innovators without one. One open application per organization and cohort."""
    _require(by, "programs.apply_cohort", cohort)
    if organization is not None:
        _require(by, "programs.apply_pitch", organization)
    if not cohort.applications_open:
        raise Refused(_("This cohort does not take applications now."))
    if (
        organization is not None
        and Application.objects.filter(cohort=cohort, organization=organization)
        .exclude(state__in=(Application.State.DECLINED, Application.State.DROPPED))
        .exists()
    ):
        raise Refused(_("This organization has already applied to this cohort."))
    application = Application(
        cohort=cohort,
        organization=organization,
        team_name=team_name.strip(),
        team=team.strip(),
        idea=idea.strip(),
        stage=stage,
        applicant=by,
    )
    save_validated(application, by)
    application.members.set(members)
    application.capabilities.set(capabilities)
    ApplicationTransition.objects.create(
        application=application, from_state="", to_state=Application.State.APPLIED, by=by, at=timezone.now()
    )
    return application


APPLICATION_TRANSITIONS = {
    Application.State.APPLIED: {Application.State.INTERVIEW, Application.State.DECLINED},
    Application.State.INTERVIEW: {Application.State.ADMITTED, Application.State.DECLINED},
    Application.State.ADMITTED: {Application.State.GRADUATED, Application.State.DROPPED},
    Application.State.GRADUATED: set(),
    Application.State.DECLINED: set(),
    Application.State.DROPPED: set(),
}
NEEDS_REASON = {Application.State.DECLINED, Application.State.DROPPED}


def application_transition_problems(application: Application, to: str, reason: str = "") -> list[str]:
    problems = []
    if to not in APPLICATION_TRANSITIONS.get(application.state, set()):
        problems.append(
            _("The application cannot move from “%(from)s” to “%(to)s”.")
            % {"from": application.get_state_display(), "to": dict(Application.State.choices).get(to, to)}
        )
    if to in NEEDS_REASON and not reason.strip():
        problems.append(_("Give a reason."))
    return problems


@transaction.atomic
def application_transition(*, application: Application, to: str, by, reason: str = "") -> Application:
    """Move the application applied → interview → admitted → graduated, or to declined / dropped
    with a reason (the program's managers); writes the audit row and tells the team."""
    application = Application.objects.select_for_update().select_related("cohort__program").get(pk=application.pk)
    _require(by, "programs.manage_program", application)
    problems = application_transition_problems(application, to, reason)
    if problems:
        raise Refused(problems)
    source = application.state
    application.state = to
    application.state_reason = reason.strip()
    save_validated(application, by)
    ApplicationTransition.objects.create(
        application=application, from_state=source, to_state=to, reason=reason.strip(), by=by, at=timezone.now()
    )
    notify(
        users=[application.applicant],
        kind="application_state",
        params={
            "team": application.team_name,
            "cohort": str(application.cohort),
            "state": application.get_state_display(),
            "reason": reason.strip(),
        },
        url=f"/fa/programs/applications/{application.pk}/",
    )
    return application


@transaction.atomic
def mentor_assign(*, application: Application, by, user=None, person=None) -> MentorAssignment:
    """Assign a mentor to an admitted team: a person of the directory (who has an account) or a
    facilitator of the program's city."""
    application = Application.objects.select_for_update().select_related("cohort__program").get(pk=application.pk)
    _require(by, "programs.manage_program", application)
    if application.state != Application.State.ADMITTED:
        raise Refused(_("Mentors are assigned to admitted teams."))
    if person is not None:
        if person.user_id is None:
            raise Refused(_("This person has no account on the platform and cannot sign off milestones."))
        user = person.user
    if user is None:
        raise ValidationError({"user": _("Choose a mentor.")})
    try:
        with transaction.atomic():
            mentor = MentorAssignment(application=application, user=user, person=person, assigned_by=by)
            return save_validated(mentor, by)
    except (IntegrityError, ValidationError) as exc:
        raise Refused(_("This mentor is already assigned to the team.")) from exc


@transaction.atomic
def milestone_add(*, application: Application, title: str, due_on: datetime.date, by) -> TeamMilestone:
    application = Application.objects.select_for_update().select_related("cohort__program").get(pk=application.pk)
    _require(by, "programs.manage_program", application)
    if application.state != Application.State.ADMITTED:
        raise Refused(_("Milestones are set for admitted teams."))
    problem = date_problem(due_on)
    if problem:
        raise ValidationError({"due_on": problem})
    return save_validated(TeamMilestone(application=application, title=title.strip(), due_on=due_on), by)


@transaction.atomic
def milestone_sign_off(*, milestone: TeamMilestone, by, note: str = "") -> TeamMilestone:
    """A mentor of the team (or a program manager) signs the milestone off; once only."""
    milestone = (
        TeamMilestone.objects.select_for_update().select_related("application__cohort__program").get(pk=milestone.pk)
    )
    _require(by, "programs.sign_off_milestone", milestone)
    if milestone.signed_off_at:
        raise Refused(_("This milestone is already signed off."))
    milestone.signed_off_by = by
    milestone.signed_off_at = timezone.now()
    milestone.note = note.strip()
    return save_validated(milestone, by)


@transaction.atomic
def application_register_organization(
    *, application: Application, by, name: str, province: str, city_name: str, kind: str = OrganizationKind.STARTUP
):
    """A graduated team without an organization registers as one (a startup by default): the
    directory creates it, the applicant becomes its admin, and the application (with its stages,
    mentors and milestones) stays linked to it as its history."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require(by, "programs.register_team_organization", application)
    if application.state != Application.State.GRADUATED:
        raise Refused(_("Only a graduated team can register as an organization here."))
    if application.organization_id or application.registered_organization_id:
        raise Refused(_("This team already has an organization."))
    organization = directory_services.organization_create(
        name=name.strip(),
        kind=kind,
        province=province,
        city_name=city_name.strip(),
        description_fa=application.idea,
    )
    directory_services.membership_add(organization=organization, user=application.applicant, role="admin")
    if by.pk != application.applicant_id:
        directory_services.membership_add(organization=organization, user=by, role="admin")
    application.registered_organization = organization
    save_validated(application, by)
    return organization
