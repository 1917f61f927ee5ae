import datetime

import factory
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.core.tests.factories import CityFactory
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.programs.models import Application, Cohort, Event, Program


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    city = factory.SubFactory(CityFactory)
    kind = Event.Kind.TECHNOLOGY_EVENT
    status = Event.Status.PUBLISHED
    title = factory.Sequence(lambda n: f"رویداد فناوری {n}")
    venue_address = "قم، بلوار امین، پارک علم و فناوری"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=6))
    capacity = 10
    created_by = factory.SubFactory(UserFactory)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory, kind="incubator")
    kind = Program.Kind.INCUBATION
    name = factory.Sequence(lambda n: f"دوره رشد {n}")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"دوره {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=180))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    team_name = factory.Sequence(lambda n: f"تیم {n}")
    team = "مریم احمدی (مدیر محصول)"
    idea = "پایش هوشمند مصرف آب"
    stage = Application.Stage.PROTOTYPE
    applicant = factory.SubFactory(UserFactory)
