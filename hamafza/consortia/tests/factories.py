import factory

from hamafza.accounts.tests.factories import UserFactory
from hamafza.consortia.models import Consortium, ConsortiumMember, Mission, MissionRole
from hamafza.core.tests.factories import CityFactory


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    city = factory.SubFactory(CityFactory)
    title_fa = factory.Sequence(lambda n: f"مأموریت پسماند {n}")
    title_en = factory.Sequence(lambda n: f"Waste mission {n}")
    description = "زنجیره ارزش جمع‌آوری پسماند"
    created_by = factory.SubFactory(UserFactory)


class MissionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionRole
        skip_postgeneration_save = True

    mission = factory.SubFactory(MissionFactory)
    code = factory.Sequence(lambda n: f"role-{n}")
    name = factory.Sequence(lambda n: f"Role {n}")
    min_members = 1
    max_members = 1
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


class ConsortiumFactory(factory.django.DjangoModelFactory):
    """A consortium for a call (pass `call=`), led by `lead`."""

    class Meta:
        model = Consortium

    lead = factory.SubFactory("hamafza.directory.tests.factories.OrganizationFactory")
    created_by = factory.SubFactory(UserFactory)


class ConsortiumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsortiumMember

    consortium = factory.SubFactory(ConsortiumFactory)
    organization = factory.SubFactory("hamafza.directory.tests.factories.OrganizationFactory")
    role = factory.LazyAttribute(lambda o: MissionRoleFactory(mission=None, call=o.consortium.call, max_members=3))
