"""Who may do what with events, pitches, programs and cohorts (django-rules).

The predicates ask ``programs.selectors`` (the scoped reads), so a page, a list and the API cannot
disagree; the services check the same permissions again before writing.

Objects: an Event (or anything with an ``event``), a Program / Cohort / Application / milestone (the
program is found through them), or an Organization (applying to pitch).
"""

import rules

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import is_authenticated, is_innovation_manager, is_platform_admin, roles_of
from hamafza.directory.rules import is_org_admin
from hamafza.directory.selectors import membership_get
from hamafza.programs import selectors
from hamafza.programs.models import Application, Cohort, Event, Program


def can(user, perm: str, obj=None) -> bool:
    """Ask this app's rules directly: no superuser bypass beyond what each rule states."""
    return rules.has_perm(perm, user, obj)


def _event_of(obj):
    if isinstance(obj, Event):
        return obj
    return getattr(obj, "event", None) if obj is not None else None


def _program_of(obj):
    if isinstance(obj, Program):
        return obj
    if isinstance(obj, Cohort):
        return obj.program
    if isinstance(obj, Application):
        return obj.cohort.program
    application = getattr(obj, "application", None)
    return application.cohort.program if application is not None else None


def _application_of(obj):
    if isinstance(obj, Application):
        return obj
    return getattr(obj, "application", None) if obj is not None else None


@rules.predicate
def is_event_organiser(user, obj):
    """The city's innovation manager, staff of the organising unit, admins of the organising
    organization."""
    event = _event_of(obj)
    if event is None or not user.is_authenticated:
        return False
    if is_innovation_manager(user, event):
        return True
    if event.organiser_unit_id and any(
        r.role == CityRole.Role.UNIT_STAFF and r.unit_id == event.organiser_unit_id for r in roles_of(user)
    ):
        return True
    return bool(event.organiser_organization_id and is_org_admin(user, event.organiser_organization))


def manages_jury_of(user, call) -> bool:
    """``hooks.evaluation_managers``: the organisers of the event whose hidden jury call `call` is
    manage its panel (ADR 0030). Platform admins are not granted it: they never read scores (ADR 0006)."""
    if not getattr(call, "judging_only", False) or not user.is_authenticated:
        return False
    event = Event.objects.select_related("organiser_organization").filter(jury_call_id=call.pk).first()
    return event is not None and is_event_organiser(user, event)


@rules.predicate
def is_event_public(user, obj):
    event = _event_of(obj)
    return event is not None and event.status in (Event.Status.PUBLISHED, Event.Status.CANCELLED)


@rules.predicate
def is_org_member(user, organization):
    return organization is not None and membership_get(user=user, organization=organization) is not None


@rules.predicate
def is_program_manager(user, obj):
    """Admins of the organization running the program, the innovation manager of its city."""
    program = _program_of(obj)
    if program is None or not user.is_authenticated:
        return False
    if program.city_id and is_innovation_manager(user, program.city):
        return True
    return is_org_admin(user, program.organization)


@rules.predicate
def is_application_team(user, obj):
    application = _application_of(obj)
    return application is not None and selectors.is_team_member(user=user, application=application)


@rules.predicate
def is_assigned_mentor(user, obj):
    application = _application_of(obj)
    return application is not None and user.is_authenticated and application.mentors.filter(user=user).exists()


rules.add_perm("programs.view_event", is_event_public | is_event_organiser | is_platform_admin)
rules.add_perm("programs.manage_event", is_event_organiser | is_platform_admin)
rules.add_perm("programs.register_event", is_authenticated)
rules.add_perm("programs.apply_pitch", is_org_member)
rules.add_perm("programs.manage_program", is_program_manager | is_platform_admin)
rules.add_perm("programs.apply_cohort", is_authenticated)
rules.add_perm(
    "programs.view_application", is_application_team | is_assigned_mentor | is_program_manager | is_platform_admin
)
rules.add_perm("programs.sign_off_milestone", is_assigned_mentor | is_program_manager | is_platform_admin)
rules.add_perm("programs.register_team_organization", is_application_team | is_platform_admin)
