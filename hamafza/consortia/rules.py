"""Who may do what with missions, roles, proposal runs, consortia and invitations.

Objects: a *target* (a ``Mission`` or a ``challenges.Call``), a ``ProposalRun``, a ``Consortium``
or a ``ConsortiumInvitation``. Views, selectors and services all ask these permissions.

* A city mission (and a call) is managed by the innovation managers of its city and by the
  platform admins; a national mission (no city) by the platform admins only.
* A consortium is led by one organization: only the lead's *admins* invite, withdraw and apply;
  the lead's plain members see the consortium.
* Only an *admin* of the invited organization accepts or declines an invitation.
* Platform admins have exactly the rights written below (no superuser shortcut): they manage
  missions and their roles, propose consortia and see every consortium and run; they never form,
  invite into, apply for, withdraw or answer on behalf of an organization.
"""

import rules

from hamafza.accounts.rules import is_any_innovation_manager, is_authenticated, is_innovation_manager, is_platform_admin
from hamafza.directory.models import OrganizationMembership


def _org_role(user, organization_id) -> str | None:
    """The user's role in the organization ("admin", "member") or None; memberships are read once
    per request (the directory's cache)."""
    if not user or not user.is_authenticated or organization_id is None:
        return None

    cache = getattr(user, "_hamafza_memberships", None)
    if cache is None:
        cache = {m.organization_id: m for m in OrganizationMembership.objects.filter(user=user)}
        user._hamafza_memberships = cache
    membership = cache.get(organization_id)
    return membership.role if membership else None


def admin_org_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    _org_role(user, -1)  # fill the cache
    return {oid for oid, m in user._hamafza_memberships.items() if m.role == "admin"}


def member_org_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    _org_role(user, -1)
    return set(user._hamafza_memberships)


def _target_of(obj):
    """The mission or call behind any object of this app (or the object itself)."""
    target = getattr(obj, "target", None)
    return target if target is not None else obj


@rules.predicate
def is_target_manager(user, obj):
    """Innovation manager of the target's city, or a platform admin; a national mission has no
    city, so only platform admins manage it."""
    if obj is None:
        return False
    if is_platform_admin(user):
        return True
    target = _target_of(obj)
    if target.city_id is None:
        return False
    return is_innovation_manager(user, target)


@rules.predicate
def is_lead_admin(user, consortium):
    return consortium is not None and _org_role(user, consortium.lead_id) == "admin"


@rules.predicate
def is_lead_member(user, consortium):
    return consortium is not None and _org_role(user, consortium.lead_id) is not None


@rules.predicate
def is_participant(user, consortium):
    """A member (any role) of an organization that is in the consortium or was invited to it."""
    if consortium is None or not user.is_authenticated:
        return False
    mine = member_org_ids(user)
    if not mine:
        return False
    if consortium.lead_id in mine:
        return True
    ids = getattr(consortium, "_participant_org_ids", None)
    if ids is None:
        ids = set(consortium.members.values_list("organization_id", flat=True)) | set(
            consortium.invitations.values_list("organization_id", flat=True)
        )
        consortium._participant_org_ids = ids
    return bool(ids & mine)


@rules.predicate
def is_invited_org_admin(user, invitation):
    return invitation is not None and _org_role(user, invitation.organization_id) == "admin"


@rules.predicate
def is_pending(user, invitation):
    return invitation is not None and invitation.status == "pending"


@rules.predicate
def is_invitation_lead_admin(user, invitation):
    return invitation is not None and _org_role(user, invitation.consortium.lead_id) == "admin"


@rules.predicate
def is_proposed_in_run(user, run):
    """A member of an organization named in one of the run's proposed consortia."""
    return run is not None and bool(member_org_ids(user) & {int(i) for i in run.member_ids})


@rules.predicate
def is_admin_in_run(user, run):
    return run is not None and bool(admin_org_ids(user) & {int(i) for i in run.member_ids})


@rules.predicate
def manages_any_city(user):
    return is_any_innovation_manager(user)


# Missions and the roles of a target
rules.add_perm("consortia.view_mission", rules.always_allow)
rules.add_perm("consortia.add_mission", manages_any_city | is_platform_admin)
rules.add_perm("consortia.change_mission", is_target_manager)
rules.add_perm("consortia.manage_roles", is_target_manager)
rules.add_perm("consortia.propose_consortia", is_target_manager)

# Runs of the optimiser
rules.add_perm("consortia.view_run", is_target_manager | is_proposed_in_run)
rules.add_perm("consortia.form_consortium", is_authenticated & is_admin_in_run)

# Consortia and invitations
rules.add_perm("consortia.view_consortium", is_target_manager | is_participant)
rules.add_perm("consortia.invite_member", is_lead_admin)
rules.add_perm("consortia.apply_consortium", is_lead_admin)
rules.add_perm("consortia.withdraw_invitation", is_invitation_lead_admin & is_pending)
rules.add_perm("consortia.respond_invitation", is_invited_org_admin & is_pending)
