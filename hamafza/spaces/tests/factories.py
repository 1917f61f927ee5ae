import datetime

import factory

from hamafza.accounts.tests.factories import UserFactory
from hamafza.core.tests.factories import CityFactory
from hamafza.spaces import selectors
from hamafza.spaces.models import Booking, OpeningHours, Resource, Space, Weekday


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"space-{n}")
    name_fa = factory.Sequence(lambda n: f"فضای کار اشتراکی {n}")
    name_en = factory.Sequence(lambda n: f"Co-working space {n}")
    address = "خیابان امام"

    @factory.post_generation
    def open_daily(self, create, extracted, **kwargs):
        """Open every day 08:00–20:00 unless `open_daily=False`."""
        if create and extracted is not False:
            for day in Weekday:
                OpeningHours.objects.create(
                    space=self, weekday=day.value, opens=datetime.time(8), closes=datetime.time(20)
                )


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    space = factory.SubFactory(SpaceFactory)
    kind = Resource.Kind.DESK
    name_fa = factory.Sequence(lambda n: f"میز {n}")
    name_en = factory.Sequence(lambda n: f"Desk {n}")


def tomorrow_at(hour: int, minute: int = 0) -> datetime.datetime:
    return selectors.at(selectors.today() + datetime.timedelta(days=1), datetime.time(hour, minute))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    resource = factory.SubFactory(ResourceFactory)
    booked_by = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: tomorrow_at(10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
