"""Who may do what with co-working spaces (django-rules).

- Anyone sees an open space, its resources, opening hours and which slots are booked.
- Signed-in people book a bookable resource of an open space.
- A space is managed by the innovation managers of its city and, for a space run by an
  organization (an incubator, a science park), that organization's admins; platform admins too.
  The same people create one: the city's innovation managers a space of the city or of one of its
  units, an organization's admins a space their organization runs.
- A booking's details (who, purpose, people) are seen only by the person who booked and the
  space's managers; everyone else sees only "booked". The same people may cancel it.

Objects: a Space, a Resource, a Booking (anything reaching its space).
"""

import rules

from hamafza.accounts.rules import is_authenticated, is_innovation_manager, is_platform_admin
from hamafza.spaces import selectors
from hamafza.spaces.models import Booking, Resource, Space


def _space_of(obj):
    if isinstance(obj, Space):
        return obj
    if isinstance(obj, Resource):
        return obj.space
    if isinstance(obj, Booking):
        return obj.resource.space
    return None


def can(user, perm: str, obj=None) -> bool:
    """Ask this app's rules directly: no superuser bypass (each rule says what admins may do)."""
    return rules.has_perm(perm, user, obj)


@rules.predicate
def is_space_manager(user, obj):
    space = _space_of(obj)
    if space is None or space.pk is None or not (user and user.is_authenticated):
        return False
    return is_innovation_manager(user, space) or selectors.is_organization_admin(user, space.organization_id)


@rules.predicate
def is_open_space(user, obj):
    space = _space_of(obj)
    return space is not None and space.is_active


@rules.predicate
def is_bookable(user, obj):
    return isinstance(obj, Resource) and obj.is_active and obj.space.is_active


@rules.predicate
def is_booker(user, obj):
    return isinstance(obj, Booking) and user is not None and user.is_authenticated and obj.booked_by_id == user.pk


@rules.predicate
def may_run_new_space(user, obj):
    """For a space not yet created: the innovation managers of its city (a space of the city or of
    one of its units), or an admin of the organization that will run it."""
    if not isinstance(obj, Space) or not (user and user.is_authenticated):
        return False
    if obj.organization_id:
        return selectors.is_organization_admin(user, obj.organization_id)
    return obj.city_id is not None and is_innovation_manager(user, obj)


manager = is_space_manager | is_platform_admin

rules.add_perm("spaces.view_space", is_open_space | manager)
rules.add_perm("spaces.manage_space", manager)
rules.add_perm("spaces.create_space", may_run_new_space | is_platform_admin)
rules.add_perm("spaces.book_resource", is_authenticated & is_bookable)
rules.add_perm("spaces.view_booking", is_booker | manager)
rules.add_perm("spaces.cancel_booking", is_booker | manager)
