"""Role predicates shared by every app (django-rules). Objects may be a City or anything with a
`city` or `city_id` attribute."""

import rules

from hamafza.accounts.models import CityRole


def _city_id(obj):
    if obj is None:
        return None
    if obj.__class__.__name__ == "City":
        return obj.pk
    return getattr(obj, "city_id", None)


def roles_of(user) -> list[CityRole]:
    """The user's city roles, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_hamafza_roles", None)
    if cached is None:
        cached = list(CityRole.objects.filter(user=user).select_related("city", "unit"))
        user._hamafza_roles = cached
    return cached


def city_ids_with_role(user, *role_names) -> set[int]:
    return {r.city_id for r in roles_of(user) if not role_names or r.role in role_names}


@rules.predicate
def is_platform_admin(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_authenticated(user):
    return bool(user and user.is_authenticated)


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user, obj=None):
        city_id = _city_id(obj)
        return any(r.role == role and (city_id is None or r.city_id == city_id) for r in roles_of(user))

    return predicate


is_innovation_manager = _has_role(CityRole.Role.INNOVATION_MANAGER)
is_unit_staff = _has_role(CityRole.Role.UNIT_STAFF)
is_facilitator = _has_role(CityRole.Role.FACILITATOR)
is_judge = _has_role(CityRole.Role.JUDGE)


@rules.predicate
def is_any_innovation_manager(user):
    return any(r.role == CityRole.Role.INNOVATION_MANAGER for r in roles_of(user))


rules.add_perm("accounts.view_profile", is_authenticated)
