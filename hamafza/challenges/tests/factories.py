import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from hamafza.accounts.tests.factories import UserFactory
from hamafza.challenges import eligible_calls
from hamafza.challenges.models import (
    Call,
    CallQuestion,
    CallResult,
    Canvas,
    CanvasVersion,
    Need,
)
from hamafza.core.tests.factories import CityFactory, UnitFactory


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    city = factory.SubFactory(CityFactory)
    unit = factory.LazyAttribute(lambda o: UnitFactory(city=o.city))
    source = Need.Source.UNIT
    status = Need.Status.SUBMITTED
    title = factory.Sequence(lambda n: f"نیاز شماره {n}")
    description = "جمع‌آوری پسماند در محله‌های قدیمی با مشکل روبه‌رو است."
    submitted_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


def complete_canvas_values(pilot_unit=None) -> dict:
    """Canvas values with nothing missing or weak."""
    return {
        "background": (
            "پسماند خشک در محله‌های مرکزی شهر جدا نمی‌شود و هزینه دفن هر سال بیشتر می‌شود؛ "
            "شهروندان ایستگاه بازیافت نزدیک ندارند و زمان جمع‌آوری معلوم نیست."
        ),
        "affected": "ساکنان محله‌های مرکزی و رانندگان خودروهای جمع‌آوری",
        "kpi_name": "سهم پسماند تفکیک‌شده",
        "kpi_unit": "درصد",
        "baseline_value": Decimal("8"),
        "target_value": Decimal("25"),
        "target_date": datetime.date(2026, 12, 20),
        "constraints_text": "بدون نیاز به استخدام نیروی جدید",
        "budget_min_rial": 2_000_000_000,
        "budget_max_rial": 5_000_000_000,
        "timeline": "شش ماه آزمایش در یک منطقه",
        "available_data": "آمار وزن روزانه پسماند هر منطقه",
        "pilot_unit": pilot_unit,
        "criteria": [{"name": "اثر بر شاخص", "weight": 60}, {"name": "هزینه", "weight": 40}],
    }


class CallFactory(factory.django.DjangoModelFactory):
    """A call with an empty canvas (use `complete=True` for a canvas with nothing missing)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    complete = False
    city = factory.SubFactory(CityFactory)
    unit = factory.LazyAttribute(lambda o: UnitFactory(city=o.city))
    title = factory.Sequence(lambda n: f"فراخوان هوشمندسازی جمع‌آوری پسماند {n}")
    description = "کاهش پسماند دفنی با تفکیک از مبدأ"
    state = Call.State.IN_DEFINITION
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def canvas(obj, create, extracted, **kwargs):
        if not create:
            return
        values = complete_canvas_values(pilot_unit=obj.unit) if obj._complete else {}
        canvas = Canvas.objects.create(call=obj, **values)
        CanvasVersion.objects.create(canvas=canvas, number=1, data={"title": obj.title})

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)

    @factory.post_generation
    def eligibility(obj, create, extracted, **kwargs):
        """A published call gets its precomputed eligibility, as the publishing service writes it
        (``challenges.eligible_calls``); tests that change invitations or settings afterwards go
        through the services."""
        if create:
            eligible_calls.refresh_call(obj)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        complete = kwargs.pop("complete", False)
        obj = super()._create(model_class, *args, **kwargs)
        obj._complete = complete
        return obj


class PublishedCallFactory(CallFactory):
    state = Call.State.PUBLISHED
    complete = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class CallQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallQuestion

    call = factory.SubFactory(PublishedCallFactory)
    asked_by = factory.SubFactory(UserFactory)
    question = "آیا شرکت‌های خارج از استان می‌توانند شرکت کنند؟"


class CallResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallResult

    call = factory.SubFactory(PublishedCallFactory)
    applicant_name = factory.Sequence(lambda n: f"متقاضی {n}")
    outcome = CallResult.Outcome.AWARDED
    public_reason = "بالاترین امتیاز"
