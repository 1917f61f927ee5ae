import factory

from hamafza.accounts.models import CityRole, User
from hamafza.core.tests.factories import CityFactory, UnitFactory

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name_fa = factory.Sequence(lambda n: f"کاربر {n}")
    display_name_en = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CityRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityRole

    user = factory.SubFactory(UserFactory)
    city = factory.SubFactory(CityFactory)
    role = CityRole.Role.INNOVATION_MANAGER
    unit = None


def user_with_role(role: str, city, unit=None, **kwargs) -> User:
    """A user holding `role` in `city` (unit staff get a unit of that city)."""
    user = UserFactory(**kwargs)
    if role == CityRole.Role.UNIT_STAFF and unit is None:
        unit = UnitFactory(city=city)
    CityRoleFactory(user=user, city=city, role=role, unit=unit)
    return user
