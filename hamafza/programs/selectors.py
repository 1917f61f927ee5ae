"""Reads of events, registrations, pitches, programs and cohorts. Selectors never write.

Who sees an event: everyone once it is published (or cancelled, so registrants learn it); drafts
only its organisers (``events_visible_to``). Applications to a cohort are seen by the team, its
mentors and the program's managers (``applications_visible_to``). Lists fetch related rows in bulk.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import is_platform_admin, roles_of
from hamafza.directory.models import Organization, OrganizationMembership
from hamafza.programs.models import (
    Application,
    Cohort,
    Event,
    EventSession,
    MentorAssignment,
    Pitch,
    Program,
    Registration,
    TeamMilestone,
)
from hamafza.proposals.rules import can as can_manage_evaluation
from hamafza.proposals.selectors import panel_for_call, panel_results

EVENT_RELATED = ("city", "organiser_unit", "organiser_organization", "venue_room", "venue_room__space")


def _admin_org_ids(user) -> QuerySet:
    return OrganizationMembership.objects.filter(user=user, role=OrganizationMembership.Role.ADMIN).values(
        "organization_id"
    )


def admin_organizations_of(*, user) -> QuerySet[Organization]:
    """The organizations `user` administers (those whose programs and events the user may run)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(pk__in=_admin_org_ids(user)).order_by("name")


def events_visible_to(user) -> QuerySet[Event]:
    public = Q(status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
    if not user or not user.is_authenticated:
        return Event.objects.filter(public)
    if is_platform_admin(user):
        return Event.objects.all()
    roles = roles_of(user)
    manager_cities = {r.city_id for r in roles if r.role == CityRole.Role.INNOVATION_MANAGER}
    staff_units = {r.unit_id for r in roles if r.role == CityRole.Role.UNIT_STAFF and r.unit_id}
    condition = (
        public
        | Q(city_id__in=manager_cities)
        | Q(organiser_unit_id__in=staff_units)
        | Q(organiser_organization_id__in=_admin_org_ids(user))
    )
    return Event.objects.filter(condition)


def event_list(*, user, city=None, kind: str = "", upcoming: bool = False, now=None) -> QuerySet[Event]:
    qs = (
        events_visible_to(user)
        .select_related(*EVENT_RELATED)
        .annotate(confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)))
    )
    if city is not None:
        qs = qs.filter(city=city)
    if kind:
        qs = qs.filter(kind=kind)
    if upcoming:
        qs = qs.filter(ends_at__gte=now or timezone.now())
    return qs.order_by("starts_at", "pk")


def event_get_for(*, user, pk: int) -> Event:
    """The event if `user` may see it, else Event.DoesNotExist (a 404: no hint that it exists)."""
    return events_visible_to(user).select_related(*EVENT_RELATED).get(pk=pk)


def sessions_of(*, event) -> QuerySet[EventSession]:
    return event.sessions.prefetch_related("speaker_people", "speaker_organizations").order_by("starts_at", "pk")


def seats_taken(*, event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def registration_of(*, event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).first()


def waitlist_position(*, registration) -> int | None:
    """1 for the first person on the waitlist."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, status=Registration.Status.WAITLISTED).filter(
        Q(requested_at__lt=registration.requested_at)
        | Q(requested_at=registration.requested_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations_of_event(*, event) -> QuerySet[Registration]:
    return event.registrations.select_related("user").order_by("status", "requested_at", "pk")


def registrations_of_user(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event", "event__city")
        .order_by("event__starts_at", "pk")
    )


def registrations_to_remind(*, now=None, within=datetime.timedelta(hours=24)) -> QuerySet[Registration]:
    now = now or timezone.now()
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + within,
    ).select_related("event", "user")


def pitches_of(*, event) -> QuerySet[Pitch]:
    return event.pitches.select_related("organization", "proposal", "invited_to_call").order_by(
        "slot", "created_at", "pk"
    )


def pitch_lineup(*, event) -> QuerySet[Pitch]:
    """The line-up in its order; at an event with a jury, by the jury's published rank (ADR 0030)."""
    lineup = pitches_of(event=event).filter(status=Pitch.Status.SELECTED)
    if event.jury_call_id:
        return lineup.order_by(F("jury_rank").asc(nulls_last=True), "slot", "pk")
    return lineup


def jury_of(*, event, user) -> dict | None:
    """The jury of an event without a linked call (ADR 0030), for its organisers (the caller checks
    ``programs.manage_event``): the hidden call, its panel, its judges' count and — for those who
    manage the panel's evaluation, never a platform admin as such (ADR 0006) — the panel's
    aggregated ranking of the line-up (each row: the pitch and the aggregation's result). None when
    the event has no jury."""
    if not event.jury_call_id:
        return None
    panel = panel_for_call(call=event.jury_call)
    manages = can_manage_evaluation(user, "proposals.manage_evaluation", event.jury_call)
    pitches = {p.proposal_id: p for p in pitches_of(event=event).filter(proposal__call_id=event.jury_call_id)}
    rows = []
    if panel is not None and manages:
        rows = [
            {"pitch": pitches[row["proposal"].pk], "result": row["result"]}
            for row in panel_results(panel=panel)
            if row["proposal"].pk in pitches
        ]
    return {
        "call": event.jury_call,
        "panel": panel,
        "can_manage": manages,
        "judges": panel.members.count() if panel is not None else 0,
        "criteria": panel.criteria.count() if panel is not None else 0,
        "ranking": rows,
    }


def pitches_of_user(*, user, event) -> QuerySet[Pitch]:
    if not user.is_authenticated:
        return Pitch.objects.none()
    member_orgs = OrganizationMembership.objects.filter(user=user).values("organization_id")
    return pitches_of(event=event).filter(organization_id__in=member_orgs)


def events_of_city_for_calendar(*, city) -> QuerySet[Event]:
    """Published events of the city, for its iCalendar feed."""
    return (
        Event.objects.filter(city=city, status=Event.Status.PUBLISHED)
        .select_related(*EVENT_RELATED)
        .order_by("starts_at", "pk")
    )


# ---------------------------------------------------------------------------------------------- programs


def program_list(*, city=None) -> QuerySet[Program]:
    qs = Program.objects.select_related("organization", "city")
    if city is not None:
        qs = qs.filter(city=city)
    return qs.order_by("name", "pk")


def cohorts_of(*, program) -> QuerySet[Cohort]:
    return program.cohorts.select_related("demo_day").order_by("-starts_on", "pk")


def demo_day_candidates(*, cohort: Cohort, now=None) -> QuerySet[Event]:
    """Events that may become the cohort's demo day: upcoming, not cancelled, organised by the
    program's organization and not another cohort's demo day, soonest first."""
    return (
        Event.objects.filter(
            organiser_organization_id=cohort.program.organization_id,
            ends_at__gte=now or timezone.now(),
        )
        .exclude(status=Event.Status.CANCELLED)
        .filter(Q(demo_day_of__isnull=True) | Q(demo_day_of=cohort))
        .order_by("starts_at", "pk")
    )


def cohort_get(*, pk: int) -> Cohort:
    return Cohort.objects.select_related("program", "program__organization", "program__city", "demo_day").get(pk=pk)


def is_team_member(*, user, application) -> bool:
    if not user.is_authenticated:
        return False
    if application.applicant_id == user.pk:
        return True
    if application.members.filter(user=user).exists():
        return True
    return bool(
        application.organization_id
        and OrganizationMembership.objects.filter(user=user, organization_id=application.organization_id).exists()
    )


def applications_visible_to(user) -> QuerySet[Application]:
    if not user or not user.is_authenticated:
        return Application.objects.none()
    if is_platform_admin(user):
        return Application.objects.all()
    manager_cities = {r.city_id for r in roles_of(user) if r.role == CityRole.Role.INNOVATION_MANAGER}
    member_orgs = OrganizationMembership.objects.filter(user=user).values("organization_id")
    condition = (
        Q(applicant=user)
        | Q(members__user=user)
        | Q(organization_id__in=member_orgs)
        | Q(Exists(MentorAssignment.objects.filter(application=OuterRef("pk"), user=user)))
        | Q(cohort__program__organization_id__in=_admin_org_ids(user))
        | Q(cohort__program__city_id__in=manager_cities)
    )
    ids = Application.objects.filter(condition).values("pk")
    return Application.objects.filter(pk__in=ids)


APPLICATION_RELATED = (
    "cohort",
    "cohort__program",
    "cohort__program__organization",
    "organization",
    "registered_organization",
)


def application_list_for(*, user, cohort=None, state: str = "") -> QuerySet[Application]:
    qs = applications_visible_to(user).select_related(*APPLICATION_RELATED)
    if cohort is not None:
        qs = qs.filter(cohort=cohort)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("created_at", "pk")


def application_get_for(*, user, pk: int) -> Application:
    return applications_visible_to(user).select_related(*APPLICATION_RELATED).get(pk=pk)


def application_details(*, application) -> dict:
    return {
        "transitions": list(application.transitions.select_related("by").order_by("at", "pk")),
        "mentors": list(application.mentors.select_related("user", "person")),
        "milestones": list(application.milestones.select_related("signed_off_by").order_by("due_on", "pk")),
        "members": list(application.members.all()),
        "capabilities": list(application.capabilities.all()),
    }


def milestones_of_user(*, user) -> QuerySet[TeamMilestone]:
    """Milestones of the teams `user` belongs to or mentors (the workspace)."""
    apps = (
        applications_visible_to(user)
        .filter(Q(applicant=user) | Q(members__user=user) | Q(mentors__user=user))
        .values("pk")
    )
    return (
        TeamMilestone.objects.filter(application_id__in=apps, application__state=Application.State.ADMITTED)
        .select_related("application", "application__cohort", "application__cohort__program")
        .order_by("due_on", "pk")
    )


# ---------------------------------------------------------------------------------------------- navigation


def navigation_entries(request, flags) -> list[dict]:
    entries = [
        {"label": pgettext_lazy("menu", "Events"), "url": reverse("programs:event_list"), "group": "explore"},
        {"label": pgettext_lazy("menu", "Programs"), "url": reverse("programs:program_list"), "group": "explore"},
    ]
    if request.user.is_authenticated:
        entries.append({"label": _("My events and teams"), "url": reverse("programs:mine"), "group": "work"})
    return entries
