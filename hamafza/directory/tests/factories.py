import factory

from hamafza.accounts.tests.factories import UserFactory
from hamafza.directory.models import Organization, OrganizationKind, OrganizationMembership, Person


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"شرکت نمونه {n}")
    name_en = factory.Sequence(lambda n: f"Sample Company {n}")
    kind = OrganizationKind.STARTUP
    province = "Qom"
    city_name = "Qom"
    description_fa = "توسعه نرم‌افزار برای خدمات شهری"
    description_en = "Software for city services"
    knowledge_based = False

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


class OrganizationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationMembership.Role.MEMBER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    kind = Person.Kind.STUDENT
    province = "Qom"
