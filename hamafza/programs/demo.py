"""Demo events and an incubator's cohort, grounded in the seed news:

* Tehran: the municipality's innovation centre meets the national association of advanced and
  knowledge-based industries (environment, medical equipment, polymer products; seed 004) — a
  pitch day where companies present to the city, linked to Tehran's open call.
* The national knowledge-based industry event, focused on small industries and the technological
  ecosystem, held in the conference hall of Eram Hotel in Tehran (seed 003) — its exhibition, with
  an agenda and registrations.
* Qom: the technology event of urban management and citizenship culture at the University of Qom,
  organised with the municipality's ICT organization to meet young people's and startups' ideas
  (seed 000); and an incubator of Qom running a cohort whose teams move through the stages, with a
  mentor and milestones, and a demo day that is an event.

Everything goes through ``programs.services`` (validation, audit rows). Idempotent: events are keyed
by (city, title), programs by (organization, name), cohorts by (program, name), applications by
(cohort, team name).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.challenges.models import Call
from hamafza.challenges.notifications import emails_off
from hamafza.core.models import City, Unit
from hamafza.directory import services as directory_services
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.programs import services
from hamafza.programs.models import Application, Cohort, Event, Pitch, Program

DOMAIN = "demo.hamafza.ir"


def _user(name: str):
    return get_user_model().objects.filter(email=f"{name}@{DOMAIN}").first()


def _moment(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _event(city, by, title, sessions=(), questions=(), **values) -> Event:
    event = Event.objects.filter(city=city, title=title).first()
    if event is not None:
        return event
    event = services.event_create(city=city, by=by, title=title, **values)
    for text, required in questions:
        services.question_save(event=event, by=by, text=text, required=required)
    for title_, start, end, room, speakers in sessions:
        services.session_save(
            event=event, by=by, title=title_, starts_at=start, ends_at=end, room=room, speakers_note=speakers
        )
    return services.event_transition(event=event, to=Event.Status.PUBLISHED, by=by)


def _register(event, users) -> None:
    for user in users:
        if user is not None and not event.registrations.filter(user=user).exists():
            services.registration_register(event=event, user=user)


def _tehran(manager, registrants) -> list[Event]:
    city = City.objects.get(slug="tehran")
    unit = Unit.objects.filter(city=city, slug="innovation").first()
    pitch_day = _event(
        city,
        manager,
        "روز ارائه شرکت‌های دانش‌بنیان به شهرداری تهران",
        kind=Event.Kind.PITCH_DAY,
        description=(
            "شرکت‌های عضو انجمن ملی شرکت‌های صنایع پیشرفته و دانش‌بنیان صنعت و معدن در حوزه‌های محیط‌زیست، "
            "تجهیزات پزشکی و محصولات پلیمری راه‌حل‌های خود را برای مسائل شهر به مدیران سازمان فناوری‌های نوین "
            "شهرداری تهران ارائه می‌کنند."
        ),
        organiser_unit=unit,
        venue_address="تهران، سازمان فناوری‌های نوین شهرداری تهران",
        starts_at=_moment(21, 9),
        ends_at=_moment(21, 13),
        capacity=80,
        pitches_open=True,
        sessions=[
            ("معرفی چالش‌های شهر و خدمات شهروندی", _moment(21, 9), _moment(21, 9, 45), "سالن اصلی", ""),
            ("ارائه شرکت‌ها (هر ارائه ۱۰ دقیقه)", _moment(21, 10), _moment(21, 12), "سالن اصلی", ""),
            ("گفت‌وگوی شرکت‌ها با مدیران واحدها", _moment(21, 12), _moment(21, 13), "سالن جانبی", ""),
        ],
        questions=[("حوزهٔ فعالیت شرکت شما چیست؟", False)],
    )
    call = Call.objects.filter(city=city, state=Call.State.PUBLISHED).order_by("pk").first()
    if call is not None and not pitch_day.calls.exists():
        pitch_day.calls.add(call)
    for user_name, title in (
        ("org.admin", "ایستگاه هوشمند تحویل پسماند خشک"),
        ("org.member", "پایش برخط کیفیت هوای ایستگاه‌های مترو"),
    ):
        user = _user(user_name)
        org = Organization.objects.filter(memberships__user=user).order_by("pk").first() if user else None
        if org is None or Pitch.objects.filter(event=pitch_day, organization=org).exists():
            continue
        pitch = services.pitch_apply(event=pitch_day, organization=org, by=user, title=title)
        services.pitch_transition(pitch=pitch, to=Pitch.Status.SELECTED, by=manager)

    exhibition = _event(
        city,
        manager,
        "نمایشگاه رویداد ملی صنعت دانش‌بنیان",
        kind=Event.Kind.EXHIBITION,
        description=(
            "رویداد ملی صنعت دانش‌بنیان با تمرکز بر صنایع کوچک و زیست‌بوم فناوری: شرکت‌های دانش‌بنیان، مدیران "
            "صنایع متوسط و واحدهای شهری یکدیگر را می‌بینند و فرصت‌های همکاری را تعریف می‌کنند."
        ),
        venue_address="تهران، هتل ارم، سالن همایش",
        starts_at=_moment(35, 8, 30),
        ends_at=_moment(35, 16),
        capacity=300,
        sessions=[
            ("افتتاحیه", _moment(35, 8, 30), _moment(35, 9, 30), "سالن همایش", ""),
            ("صنایع کوچک و زیست‌بوم فناوری", _moment(35, 9, 30), _moment(35, 11), "سالن همایش", ""),
            (
                "تعریف مسئله و فرصت‌های صنایع کوچک و متوسط",
                _moment(35, 11, 15),
                _moment(35, 12, 30),
                "سالن همایش",
                "",
            ),
            ("بازدید از غرفه‌ها و دیدار با واحدهای شهری", _moment(35, 13, 30), _moment(35, 16), "نمایشگاه", ""),
        ],
        questions=[("نام شرکت یا سازمان", True)],
    )
    questions = list(exhibition.questions.all())
    for user in registrants:
        if user is not None and not exhibition.registrations.filter(user=user).exists():
            services.registration_register(
                event=exhibition, user=user, answers={str(q.pk): "شرکت نمونه" for q in questions}
            )
    return [pitch_day, exhibition]


def _qom_incubator():
    incubator = Organization.objects.filter(kind=OrganizationKind.INCUBATOR, province="Qom").order_by("pk").first()
    if incubator is None:
        incubator = Organization.objects.filter(name="مرکز رشد واحدهای فناور دانشگاه قم").first()
    if incubator is None:
        incubator = directory_services.organization_create(
            name="مرکز رشد واحدهای فناور دانشگاه قم",
            name_en="University of Qom Incubation Centre",
            kind=OrganizationKind.INCUBATOR,
            province="Qom",
            city_name="قم",
            description_fa="مرکز رشد دانشگاه قم: تیم‌های دانشجویی و شرکت‌های نوپای قم را برای حل مسائل شهر همراهی می‌کند.",
        )
    return incubator


def _qom(manager, mentor, registrants) -> Cohort:
    city = City.objects.get(slug="qom")
    event = _event(
        city,
        manager,
        "رویداد فناورانه مدیریت شهری و فرهنگ شهروندی",
        kind=Event.Kind.TECHNOLOGY_EVENT,
        description=(
            "رویدادی در دانشگاه قم برای آشنایی شهرداری با ایده‌های نسل جوان و شرکت‌های نوپا در خدمات شهری، "
            "حمل‌ونقل و فرهنگ شهروندی، تا وابستگی شهر به محصولات غیربومی کمتر شود."
        ),
        venue_address="قم، دانشگاه قم",
        starts_at=_moment(14, 9),
        ends_at=_moment(14, 17),
        capacity=2,
        sessions=[
            ("نیازهای شهرداری قم در خدمات شهری", _moment(14, 9), _moment(14, 10, 30), "تالار دانشگاه", ""),
            ("ارائهٔ ایده‌های دانشجویان و استارتاپ‌ها", _moment(14, 11), _moment(14, 15), "تالار دانشگاه", ""),
        ],
    )
    _register(event, registrants)  # two seats: the third registrant waits on the waitlist

    incubator = _qom_incubator()
    program = Program.objects.filter(organization=incubator, name="دورهٔ رشد فناوری‌های شهری").first()
    if program is None:
        program = services.program_create(
            organization=incubator,
            kind=Program.Kind.INCUBATION,
            name="دورهٔ رشد فناوری‌های شهری",
            city=city,
            description="همراهی تیم‌های دانشجویی و شرکت‌های نوپای قم از ایده تا نمونهٔ آزمایشی در شهرداری.",
            by=manager,
        )
    demo_day = _event(
        city,
        manager,
        "روز نمایش دستاوردهای تیم‌های دورهٔ رشد",
        kind=Event.Kind.PITCH_DAY,
        venue_address="قم، دانشگاه قم",
        starts_at=_moment(120, 10),
        ends_at=_moment(120, 13),
        capacity=120,
    )
    cohort = Cohort.objects.filter(program=program, name="دورهٔ نخست").first()
    if cohort is None:
        today = timezone.localdate()
        cohort = services.cohort_create(
            program=program,
            name="دورهٔ نخست",
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=120),
            by=manager,
        )
        services.cohort_set_demo_day(cohort=cohort, event=demo_day, by=manager)

    teams = [
        (
            "citizen",
            None,
            "تیم آب‌یار",
            "سه دانشجوی دانشگاه قم (نرم‌افزار، الکترونیک، طراحی)",
            "پایش نشت آب در شبکهٔ توزیع با حسگرهای ارزان",
            "prototype",
            ["interview", "admitted"],
            "",
        ),
        (
            "org.admin",
            "org",
            "ایستگاه پسماند هوشمند",
            "تیم فنی شرکت",
            "ایستگاه تحویل پسماند خشک با پاداش شهروندی",
            "mvp",
            ["interview"],
            "",
        ),
        (
            "org.member",
            "org",
            "پایش هوا",
            "تیم محصول شرکت",
            "نمایشگر کیفیت هوا در ایستگاه‌های اتوبوس",
            "idea",
            ["declined"],
            "حوزهٔ ایده با اولویت‌های این دوره هم‌خوان نیست.",
        ),
    ]
    for user_name, as_org, team_name, team, idea, stage, path, reason in teams:
        user = _user(user_name)
        if user is None or Application.objects.filter(cohort=cohort, team_name=team_name).exists():
            continue
        org = Organization.objects.filter(memberships__user=user).order_by("pk").first() if as_org else None
        application = services.application_submit(
            cohort=cohort, by=user, organization=org, team_name=team_name, team=team, idea=idea, stage=stage
        )
        for state in path:
            application = services.application_transition(
                application=application, to=state, by=manager, reason=reason if state == "declined" else ""
            )
        if application.state == Application.State.ADMITTED:
            if mentor is not None:
                services.mentor_assign(application=application, by=manager, user=mentor)
            today = timezone.localdate()
            first = services.milestone_add(
                application=application,
                title="نمونهٔ آزمایشی در یک محله",
                due_on=today + datetime.timedelta(days=10),
                by=manager,
            )
            services.milestone_add(
                application=application,
                title="گزارش آزمون با واحد شهری",
                due_on=today + datetime.timedelta(days=60),
                by=manager,
            )
            if mentor is not None:
                services.milestone_sign_off(milestone=first, by=mentor, note="نمونه در آزمایشگاه دانشگاه کار می‌کند.")
    return cohort


def load(*, stdout) -> None:
    tehran_manager = _user("manager.tehran")
    qom_manager = _user("manager.qom")
    if tehran_manager is None or qom_manager is None:
        stdout.write(_("programs: skipped (the demo accounts are missing)"))
        return
    registrants = [_user(n) for n in ("citizen", "org.admin", "org.member")]
    with emails_off():
        events = _tehran(tehran_manager, registrants)
        cohort = _qom(qom_manager, _user("judge.qom"), registrants)
    stdout.write(
        _("programs: %(events)s events in Tehran, Qom's incubator cohort “%(cohort)s”")
        % {"events": len(events), "cohort": cohort}
    )
