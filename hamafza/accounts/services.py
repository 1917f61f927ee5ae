"""Writes for accounts: registration, profile updates and role assignment."""

from django.db import transaction

from hamafza.accounts.models import CityRole, User


@transaction.atomic
def user_register(*, email: str, password: str, display_name_fa: str = "", display_name_en: str = "",
                  preferred_language: str = "fa") -> User:
    """Create a citizen account (no city role). The email is stored lower-cased."""
    return User.objects.create_user(
        email=email,
        password=password,
        display_name_fa=display_name_fa,
        display_name_en=display_name_en,
        preferred_language=preferred_language,
    )


@transaction.atomic
def user_update_profile(*, user: User, display_name_fa: str, display_name_en: str, preferred_language: str) -> User:
    user.display_name_fa = display_name_fa
    user.display_name_en = display_name_en
    user.preferred_language = preferred_language
    user.save(update_fields=["display_name_fa", "display_name_en", "preferred_language"])
    return user


@transaction.atomic
def city_role_grant(*, user: User, city, role: str, unit=None) -> CityRole:
    """Give `user` a role in `city` (idempotent). Unit staff must name a unit of that city."""
    obj = CityRole(user=user, city=city, role=role, unit=unit)
    obj.full_clean(validate_unique=False)
    obj, _created = CityRole.objects.get_or_create(user=user, city=city, role=role, unit=unit)
    return obj
