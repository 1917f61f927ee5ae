"""Who may do what with needs, canvases and calls. Views, selectors, services and (later) the API
all ask these permissions.

Objects: a City (for "may submit / triage in this city"), a Need, or a Call.

Platform admins (`is_platform_admin`) have exactly the rights written below: they read every need,
call, canvas and triage inbox, and do nothing in a city's workflow (submit, triage, edit a canvas,
move a call, answer questions). `User.has_perm` gives them no superuser shortcut here."""

import rules

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import (
    is_authenticated,
    is_innovation_manager,
    is_platform_admin,
    is_unit_staff,
    roles_of,
)
from hamafza.directory.selectors import organizations_of_user


def _unit_id(obj):
    return getattr(obj, "unit_id", None)


@rules.predicate
def is_city_manager(user, obj):
    """Innovation manager of the object's city (never of another city)."""
    return obj is not None and is_innovation_manager(user, obj)


@rules.predicate
def is_city_unit_staff(user, obj):
    return obj is not None and is_unit_staff(user, obj)


@rules.predicate
def is_staff_of_unit(user, obj):
    """Staff of the very unit that owns the need or call."""
    unit_id = _unit_id(obj)
    return unit_id is not None and any(
        r.role == CityRole.Role.UNIT_STAFF and r.unit_id == unit_id for r in roles_of(user)
    )


@rules.predicate
def is_submitter(user, need):
    return bool(need is not None and user.is_authenticated and need.submitted_by_id == user.pk)


@rules.predicate
def is_assigned_facilitator(user, call):
    if call is None or not user.is_authenticated:
        return False
    cache = getattr(call, "_facilitator_ids", None)
    if cache is None:
        cache = set(call.facilitators.values_list("pk", flat=True))
        call._facilitator_ids = cache
    return user.pk in cache


@rules.predicate
def is_draft_need(user, need):
    return need is not None and need.status == "draft"


@rules.predicate
def is_canvas_editable(user, call):
    return call is not None and call.state in ("draft", "in_definition", "ready")


@rules.predicate
def is_public_call(user, call):
    return call is not None and call.is_public


@rules.predicate
def is_open_call(user, call):
    return call is not None and call.is_open()


@rules.predicate
def is_org_member_anywhere(user):
    return bool(user.is_authenticated and organizations_of_user(user=user).exists())


# Needs
rules.add_perm("challenges.submit_need", is_city_unit_staff)
rules.add_perm("challenges.report_problem", is_authenticated)
rules.add_perm("challenges.view_need", is_submitter | is_staff_of_unit | is_city_manager | is_platform_admin)
rules.add_perm("challenges.change_need", (is_submitter | is_staff_of_unit) & is_draft_need)
rules.add_perm("challenges.triage_need", is_city_manager)
rules.add_perm("challenges.view_triage", is_city_manager | is_platform_admin)  # the inbox, read-only for admins

# Calls: internal work
rules.add_perm(
    "challenges.view_call_internal", is_city_manager | is_staff_of_unit | is_assigned_facilitator | is_platform_admin
)
rules.add_perm(
    "challenges.change_canvas", (is_city_manager | is_staff_of_unit | is_assigned_facilitator) & is_canvas_editable
)
rules.add_perm("challenges.comment_canvas", is_city_manager | is_staff_of_unit | is_assigned_facilitator)
rules.add_perm("challenges.mark_ready_call", is_city_manager | is_staff_of_unit | is_assigned_facilitator)
rules.add_perm("challenges.reopen_call", is_city_manager | is_staff_of_unit)
rules.add_perm("challenges.manage_call", is_city_manager)
rules.add_perm("challenges.view_city_calls", is_city_manager | is_city_unit_staff | is_platform_admin)

# Calls: public side
rules.add_perm(
    "challenges.view_call",
    is_public_call | is_city_manager | is_staff_of_unit | is_assigned_facilitator | is_platform_admin,
)
rules.add_perm("challenges.follow_call", is_authenticated & is_public_call)
rules.add_perm("challenges.ask_question", is_authenticated & is_org_member_anywhere & is_open_call)
rules.add_perm("challenges.answer_question", is_city_manager)
