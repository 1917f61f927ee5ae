"""Demo co-working space, grounded in the seed news of Tabriz (06 Azar 1403): the municipality's
innovation and technology centre offers a shared workspace (فضای کار مشترک) to idea owners,
students, professors and knowledge-based companies working on urban problems (waste, transport
and traffic, beautification, smart city). Here it is run by Tabriz's innovation centre unit, with
six desks, a meeting room and a training room, open on the Iranian working week, and a few
upcoming bookings of the demo Tabriz company's member (written through the booking service).

Idempotent: the space is keyed by its slug, resources by (space, Persian name), opening hours by
weekday; the demo bookings are added only when the member has no upcoming booking in the space.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from hamafza.core.models import City, Unit
from hamafza.spaces import selectors, services
from hamafza.spaces.models import OpeningHours, Resource, Space, Weekday

SLUG = "tabriz-innovation-cowork"
MEMBER = "org.member@demo.hamafza.ir"

SPACE = {
    "name_fa": "فضای کار مشترک مرکز نوآوری و فناوری شهرداری تبریز",
    "name_en": "Tabriz Municipality Innovation and Technology Centre co-working space",
    "description_fa": (
        "فضای کار مشترک مرکز نوآوری و فناوری شهرداری تبریز برای صاحبان ایده، دانشجویان، استادان و "
        "شرکت‌های دانش‌بنیانی که روی مسائل مدیریت شهری کار می‌کنند: پسماند، حمل‌ونقل و ترافیک، "
        "زیباسازی و هوشمندسازی. میزها ساعتی رزرو می‌شوند؛ اتاق جلسه برای دیدار تیم‌ها با واحدهای "
        "شهرداری و اتاق آموزش برای رویدادها و کارگاه‌های شتاب‌دهی است."
    ),
    "description_en": (
        "The shared workspace of Tabriz municipality's innovation and technology centre, for idea owners, "
        "students, professors and knowledge-based companies working on urban problems: waste, transport and "
        "traffic, beautification and smart-city services. Desks are booked by the hour; the meeting room is for "
        "teams meeting the municipality's units, the training room for events and acceleration workshops."
    ),
    "address": "تبریز، مرکز نوآوری و فناوری شهرداری تبریز",
}
WORKDAY = (datetime.time(8), datetime.time(17))
HOURS = {
    Weekday.SATURDAY: WORKDAY,
    Weekday.SUNDAY: WORKDAY,
    Weekday.MONDAY: WORKDAY,
    Weekday.TUESDAY: WORKDAY,
    Weekday.WEDNESDAY: WORKDAY,
    Weekday.THURSDAY: (datetime.time(8), datetime.time(13)),
}
RESOURCES = [
    *[
        {"kind": "desk", "name_fa": f"میز {n}", "name_en": f"Desk {n}", "capacity": 1, "max_booking_minutes": 480}
        for n in ("۱", "۲", "۳", "۴", "۵", "۶")
    ],
    {
        "kind": "room",
        "name_fa": "اتاق جلسه",
        "name_en": "Meeting room",
        "capacity": 8,
        "max_booking_minutes": 180,
        "min_notice_minutes": 60,
    },
    {
        "kind": "room",
        "name_fa": "اتاق آموزش",
        "name_en": "Training room",
        "capacity": 24,
        "slot_minutes": 60,
        "max_booking_minutes": 240,
        "book_ahead_days": 30,
        "min_notice_minutes": 24 * 60,
    },
]


def load(*, stdout) -> None:
    city = City.objects.get(slug="tabriz")
    unit = Unit.objects.filter(city=city, slug="innovation").first()
    space = Space.objects.filter(slug=SLUG).first()
    if space is None:
        space = Space.objects.create(slug=SLUG, city=city, unit=unit, **SPACE)
    else:
        changed = {k: v for k, v in SPACE.items() if getattr(space, k) != v}
        if changed or space.unit_id != (unit.pk if unit else None):
            for k, v in changed.items():
                setattr(space, k, v)
            space.unit = unit
            space.save()
    current = {row.weekday: row for row in space.opening_hours.all()}
    for day, (opens, closes) in HOURS.items():
        row = current.get(day.value)
        if row is None:
            OpeningHours.objects.create(space=space, weekday=day.value, opens=opens, closes=closes)
        elif (row.opens, row.closes) != (opens, closes):
            row.opens, row.closes = opens, closes
            row.save()
    resources = []
    for spec in RESOURCES:
        resource = Resource.objects.filter(space=space, name_fa=spec["name_fa"]).first() or Resource(space=space)
        if resource.pk is None or any(getattr(resource, k) != v for k, v in spec.items()):
            for k, v in spec.items():
                setattr(resource, k, v)
            resource.save()
        resources.append(resource)
    n_bookings = _demo_bookings(space, resources)
    stdout.write(f"spaces: 1 co-working space in Tabriz, {len(resources)} desks and rooms, {n_bookings} new bookings")


def _demo_bookings(space, resources) -> int:
    """Upcoming bookings of the demo Tabriz company's member: a desk on the next two working days and
    the meeting room for a meeting with the ICT unit (each through ``booking_create``)."""
    member = get_user_model().objects.filter(email=MEMBER).first()
    if member is None or selectors.bookings_of(user=member).filter(resource__space=space).exists():
        return 0
    desk, meeting = resources[0], resources[6]
    days, day = [], selectors.today()
    while len(days) < 2:
        day += datetime.timedelta(days=1)
        if day.weekday() in (Weekday.SATURDAY, Weekday.SUNDAY, Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY):
            days.append(day)
    plan = [
        (desk, days[0], 9, 13, "نمونه‌سازی داشبورد پسماند هوشمند"),
        (desk, days[1], 9, 15, "آماده‌سازی ارائه برای روز ارائه"),
        (meeting, days[1], 14, 16, "جلسه با اداره فناوری اطلاعات شهرداری"),
    ]
    made = 0
    for resource, on, start, end, purpose in plan:
        try:
            services.booking_create(
                resource=resource,
                by=member,
                starts_at=selectors.at(on, datetime.time(start)),
                ends_at=selectors.at(on, datetime.time(end)),
                attendees=4 if resource.kind == "room" else 1,
                purpose=purpose,
            )
            made += 1
        except (ValidationError, services.BookingRefused):
            continue  # a slot someone already took: the demo does not insist
    return made
