"""Who may do what with pilots and agreements (django-rules).

Seeing is not re-implemented here: the predicates ask the scoped querysets of
``pilots.selectors`` (the one confidentiality definition), so a page, a list, an export, a download
and the API cannot disagree. The services check these permissions again for the writes.

Objects: a Pilot (or anything with a ``pilot``), an Agreement (or anything with an ``agreement``),
a Proposal (starting a pilot) or a City (exports, new agreements).
"""

import rules

from hamafza.accounts.rules import is_authenticated, is_innovation_manager
from hamafza.pilots import selectors
from hamafza.pilots.models import Agreement, Pilot


def _pilot_of(obj):
    if isinstance(obj, Pilot):
        return obj
    return getattr(obj, "pilot", None) if obj is not None else None


def _agreement_of(obj):
    if isinstance(obj, Agreement):
        return obj
    return getattr(obj, "agreement", None) if obj is not None else None


def can(user, perm: str, obj=None) -> bool:
    """Ask this app's rules directly: no superuser bypass (platform staff use the admin)."""
    return rules.has_perm(perm, user, obj)


@rules.predicate
def can_see_pilot(user, obj):
    pilot = _pilot_of(obj)
    return pilot is not None and pilot.pk is not None and selectors.pilots_visible_to(user).filter(pk=pilot.pk).exists()


@rules.predicate
def can_see_pilot_confidential(user, obj):
    return selectors.is_pilot_confidential_to(user, _pilot_of(obj))


@rules.predicate
def is_pilot_city_manager(user, obj):
    pilot = _pilot_of(obj)
    return pilot is not None and is_innovation_manager(user, pilot)


@rules.predicate
def is_pilot_unit_staff(user, obj):
    pilot = _pilot_of(obj)
    if pilot is None:
        return False
    return pilot.unit_id in selectors.confidential_scope(user).staff_units


@rules.predicate
def is_pilot_party_member(user, obj):
    pilot = _pilot_of(obj)
    scope = selectors.confidential_scope(user)
    if pilot is None or scope.anonymous:
        return False
    return pilot.parties.filter(organization_id__in=scope.member_orgs).exists()


@rules.predicate
def is_pilot_open(user, obj):
    pilot = _pilot_of(obj)
    return pilot is not None and pilot.is_open


@rules.predicate
def is_call_city_manager(user, proposal):
    """Innovation manager of the proposal's (or call's) city."""
    return (
        proposal is not None
        and getattr(proposal, "city_id", None) is not None
        and is_innovation_manager(user, proposal)
    )


@rules.predicate
def is_city_manager(user, obj):
    return obj is not None and is_innovation_manager(user, obj)


@rules.predicate
def can_see_agreement(user, obj):
    agreement = _agreement_of(obj)
    return (
        agreement is not None
        and agreement.pk is not None
        and selectors.agreements_visible_to(user).filter(pk=agreement.pk).exists()
    )


@rules.predicate
def can_see_agreement_confidential(user, obj):
    return selectors.is_agreement_confidential_to(user, _agreement_of(obj))


@rules.predicate
def is_agreement_city_manager(user, obj):
    agreement = _agreement_of(obj)
    return agreement is not None and is_innovation_manager(user, agreement)


# Pilots: seeing
rules.add_perm("pilots.view_pilot", can_see_pilot)
rules.add_perm("pilots.view_pilot_confidential", can_see_pilot_confidential)
rules.add_perm("pilots.list_pilots", is_authenticated)  # the list shows only the visible set

# Pilots: the city's innovation managers run them
rules.add_perm("pilots.start_pilot", is_call_city_manager)
rules.add_perm("pilots.manage_pilot", is_pilot_city_manager)
rules.add_perm("pilots.approve_final_report", is_pilot_city_manager)
rules.add_perm("pilots.export", is_city_manager)

# Pilots: the host unit's staff and the company
participant = is_pilot_city_manager | is_pilot_unit_staff | is_pilot_party_member
rules.add_perm("pilots.record_measurement", participant)
rules.add_perm("pilots.upload_file", participant)
rules.add_perm("pilots.log_entry", participant)
rules.add_perm("pilots.review_milestone", is_pilot_unit_staff | is_pilot_city_manager)
rules.add_perm("pilots.submit_milestone", is_pilot_party_member)
rules.add_perm("pilots.write_final_report", is_pilot_city_manager | is_pilot_unit_staff)

# Agreements
rules.add_perm("pilots.view_agreement", can_see_agreement)
rules.add_perm("pilots.view_agreement_confidential", can_see_agreement_confidential)
rules.add_perm("pilots.add_agreement", is_city_manager)
rules.add_perm("pilots.manage_agreement", is_agreement_city_manager)
rules.add_perm("pilots.update_obligation", is_agreement_city_manager | can_see_agreement_confidential)
