import factory

from hamafza.core.models import Capability, City, Domain, Unit


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city-{n}")
    name_fa = factory.Sequence(lambda n: f"شهر {n}")
    name_en = factory.Sequence(lambda n: f"City {n}")
    province = "Qom"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    kind = Unit.Kind.WASTE
    name_fa = factory.Sequence(lambda n: f"سازمان {n}")
    name_en = factory.Sequence(lambda n: f"Organization {n}")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"domain{n}")
    name_fa = factory.Sequence(lambda n: f"حوزه {n}")
    name_en = factory.Sequence(lambda n: f"Domain {n}")


class CapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capability
        django_get_or_create = ("code",)

    domain = factory.SubFactory(DomainFactory)
    code = factory.Sequence(lambda n: f"domain.cap{n}")
    name_fa = factory.Sequence(lambda n: f"توانمندی {n}")
    name_en = factory.Sequence(lambda n: f"Capability {n}")
    synonyms_fa = factory.LazyFunction(list)
    synonyms_en = factory.LazyFunction(list)
