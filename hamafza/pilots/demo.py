"""Demo pilots and agreements in the four seed cities (Qom, Karaj, Tabriz, Tehran) and at the
national knowledge-based industry event, grounded in the seed news: Qom's ICT organization
working with the city's startups and university to depend less on imported products, Karaj's
council backing local startups, Tabriz's new innovation and technology centre, Tehran's meeting
with the association of advanced and knowledge-based industries.

* Pilots in every state: Qom (completed, with an approved final report, scaled up into an active
  agreement; and running, with measurements and an overdue milestone on the award the proposals
  demo published), Karaj (planned, on its published award; and stopped, with the reason), Tabriz
  (paused), Tehran (completed, with a final report recommending to extend it).
* Agreements in every status: draft, signed, active, completed and terminated (with a reason).

Past pilots need past calls: each is written as rows (a call whose results were published a
year ago, its canvas KPI, the awarded proposal and its public result), as the proposals demo does
for published results; the pilots themselves go through ``pilots.services`` (audit rows,
validation), then their timestamps are moved back to the demo's dates.

Idempotent: calls are keyed by (city, title), pilots by proposal, agreements by (city, title).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import CityRole
from hamafza.challenges.models import Call, CallResult, Canvas
from hamafza.challenges.notifications import emails_off
from hamafza.core.models import City, Unit
from hamafza.directory.models import Organization, OrganizationMembership
from hamafza.pilots import services
from hamafza.pilots.models import Agreement, AgreementParty, Pilot
from hamafza.proposals.models import Panel, Proposal

D = Decimal


def _today() -> datetime.date:
    return timezone.localdate()


def _ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _manager(city):
    role = CityRole.objects.filter(city=city, role=CityRole.Role.INNOVATION_MANAGER).select_related("user")
    role = role.order_by("pk").first()
    return role.user if role else None


def _staff(city, unit):
    role = CityRole.objects.filter(city=city, unit=unit, role=CityRole.Role.UNIT_STAFF).select_related("user")
    role = role.order_by("pk").first()
    return role.user if role else None


def _member(org):
    m = OrganizationMembership.objects.filter(organization=org).select_related("user").order_by("pk").first()
    return m.user if m else None


# ------------------------------------------------------------------------------------------------
# Past calls with an award (written as rows)
# ------------------------------------------------------------------------------------------------
PAST = {
    "qom-waste": {
        "city": "qom",
        "unit": "waste",
        "org": "baziar",
        "title": "تفکیک پسماند خشک در مبدأ در محله‌های صفاشهر و زنبیل‌آباد",
        "description": "آزمایش ایستگاه‌های هوشمند تحویل پسماند خشک با محصولات شرکت‌های نوپای قم به جای تجهیزات وارداتی.",
        "kpi": ("سهم پسماند خشک تفکیک‌شده", "درصد", D("9"), D("25")),
        "closed_days_ago": 420,
        "proposal": "ایستگاه تحویل پسماند خشک با ترازوی هوشمند ساخت قم",
    },
    "karaj-transport": {
        "city": "karaj",
        "unit": "transport",
        "org": "pakavaran",
        "title": "شمارش مسافر در ایستگاه‌های اتوبوس محور گوهردشت",
        "description": "برآورد بار مسافری ایستگاه‌ها برای تنظیم سرفاصله اتوبوس‌ها با حسگرهای بومی.",
        "kpi": ("دقت شمارش مسافر", "درصد", D("60"), D("90")),
        "closed_days_ago": 300,
        "proposal": "حسگر شمارش مسافر کم‌هزینه با پردازش در لبه",
    },
    "tabriz-ict": {
        "city": "tabriz",
        "unit": "ict",
        "org": "azarpouya-smart-systems",
        "title": "پیشخوان هوشمند خدمات شهروندی در سراهای محله تبریز",
        "description": "ارائه خدمات شهرداری در سراهای محله با پیشخوان خودکار، زیر نظر مرکز نوآوری و فناوری شهرداری.",
        "kpi": ("میانگین زمان انجام خدمت", "دقیقه", D("45"), D("15")),
        "closed_days_ago": 240,
        "proposal": "پیشخوان خودکار با احراز هویت و صف الکترونیک",
    },
    "tehran-transport": {
        "city": "tehran",
        "unit": "transport",
        "org": "pelakkhan-damavand-technologies",
        "title": "نمایشگرهای زمان رسیدن اتوبوس در ایستگاه‌های خط ۷ تهران",
        "description": "اطلاع‌رسانی زمان رسیدن اتوبوس با تجهیزات و نرم‌افزار شرکت‌های دانش‌بنیان داخلی.",
        "kpi": ("رضایت مسافران از اطلاع‌رسانی", "درصد", D("40"), D("75")),
        "closed_days_ago": 380,
        "proposal": "نمایشگر کم‌مصرف و سرویس پیش‌بینی زمان رسیدن",
    },
}


def _past_award(key: str):
    spec = PAST[key]
    city = City.objects.filter(slug=spec["city"]).first()
    org = Organization.objects.filter(slug=spec["org"]).first()
    manager = _manager(city) if city else None
    if city is None or org is None or manager is None:
        return None
    unit = Unit.objects.filter(city=city, slug=spec["unit"]).first()
    closed = _at(_ago(spec["closed_days_ago"]))
    call = Call.objects.filter(city=city, title=spec["title"]).first()
    if call is None:
        call = Call(
            city=city,
            unit=unit,
            title=spec["title"],
            description=spec["description"],
            state=Call.State.RESULTS_PUBLISHED,
            opens_at=closed - datetime.timedelta(days=45),
            closes_at=closed,
            published_at=closed - datetime.timedelta(days=45),
            closed_at=closed,
            results_published_at=closed + datetime.timedelta(days=20),
            created_by=manager,
        )
        call._history_user = manager
        call.save()
        name, measure, baseline, target = spec["kpi"]
        Canvas.objects.create(
            call=call,
            background=spec["description"],
            kpi_name=name,
            kpi_unit=measure,
            baseline_value=baseline,
            target_value=target,
            target_date=(closed + datetime.timedelta(days=200)).date(),
            pilot_unit=unit,
        )
        CallResult.objects.create(
            call=call, organization=org, outcome=CallResult.Outcome.AWARDED, rank=1, public_reason="طرح برگزیده"
        )
        # Its (closed) evaluation panel: the evaluation is history, as is the proposals demo's backfill.
        panel = Panel(call=call, city=city, status=Panel.Status.CLOSED, closed_at=closed + datetime.timedelta(days=15))
        panel._history_user = manager
        panel.save()
    proposal = Proposal.objects.filter(call=call, organization=org).first()
    if proposal is None:
        proposal = Proposal(
            call=call,
            city=city,
            organization=org,
            status=Proposal.Status.SUBMITTED,
            title=spec["proposal"],
            summary=spec["description"],
            budget_rial=4_000_000_000,
            created_by=_member(org) or manager,
            submitted_at=closed - datetime.timedelta(days=5),
            decision=Proposal.Decision.AWARDED,
            decision_reason="طرح برگزیده",
            decided_at=closed + datetime.timedelta(days=20),
            decided_by=manager,
        )
        proposal._history_user = manager
        proposal.save()
    return proposal


def _existing_award(city_slug: str):
    return (
        Proposal.objects.filter(
            city__slug=city_slug, decision=Proposal.Decision.AWARDED, call__state="results_published"
        )
        .exclude(call__title__in=[s["title"] for s in PAST.values()])
        .select_related("call", "city")
        .order_by("pk")
        .first()
    )


# ------------------------------------------------------------------------------------------------
# Pilots through the services
# ------------------------------------------------------------------------------------------------
def _backdate(pilot: Pilot, *, started: datetime.date, running: datetime.date | None = None, ended=None) -> None:
    """Move the service-written timestamps to the demo's dates (rows, like the proposals demo)."""
    fields = {"created_at": _at(started)}
    if running is not None:
        fields["running_since"] = _at(running)
    if ended is not None and pilot.state == Pilot.State.COMPLETED:
        fields["completed_at"] = _at(ended)
    if ended is not None and pilot.state == Pilot.State.STOPPED:
        fields["stopped_at"] = _at(ended)
    Pilot.objects.filter(pk=pilot.pk).update(**fields)
    transitions = list(pilot.transitions.order_by("pk"))
    days = [started, running or started, ended or running or started, ended or running or started]
    for t, day in zip(transitions, days, strict=False):
        type(t).objects.filter(pk=t.pk).update(at=_at(day))


def _run(proposal, *, start_ago: int, length: int, budget: int, manager):
    pilot = services.pilot_start(proposal=proposal, by=manager)
    start = _ago(start_ago)
    services.pilot_update_plan(
        pilot=pilot,
        by=manager,
        start_date=start,
        end_date=start + datetime.timedelta(days=length),
        approved_budget_rial=budget,
    )
    return pilot, start


def _submit(milestone, organization) -> None:
    """The company submits the milestone when it has a member account (else the unit reviews it as is)."""
    member = _member(organization)
    if member is not None:
        services.milestone_submit(milestone=milestone, by=member)


def _measure(pilot, by, values: list[tuple[int, str]], note: str = "") -> None:
    kpi = pilot.kpis.order_by("pk").first()
    for days_ago, value in values:
        services.measurement_record(kpi=kpi, by=by, value=D(value), measured_on=_ago(days_ago), note=note)


def _completed_qom():
    proposal = _past_award("qom-waste")
    if proposal is None or Pilot.objects.filter(proposal=proposal).exists():
        return None
    manager = _manager(proposal.city)
    staff = _staff(proposal.city, proposal.call.unit) or manager
    pilot, start = _run(proposal, start_ago=360, length=180, budget=4_500_000_000, manager=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)
    m1 = services.milestone_save(pilot=pilot, by=manager, title="نصب ۱۲ ایستگاه در دو محله", due_date=_ago(320))
    m2 = services.milestone_save(pilot=pilot, by=manager, title="گزارش سه‌ماهه وزن پسماند", due_date=_ago(250))
    for m in (m1, m2):
        _submit(m, proposal.organization)
        services.milestone_review(milestone=m, by=staff, accept=True)
    services.payment_save(
        pilot=pilot, by=manager, milestone=m1, planned_rial=2_000_000_000, paid_rial=2_000_000_000, paid_on=_ago(315)
    )
    services.payment_save(
        pilot=pilot, by=manager, milestone=m2, planned_rial=2_500_000_000, paid_rial=2_500_000_000, paid_on=_ago(245)
    )
    _measure(pilot, staff, [(330, "11"), (300, "15"), (270, "19"), (240, "23"), (200, "27")], "وزن ثبت‌شده ایستگاه‌ها")
    services.log_entry_add(pilot=pilot, by=staff, kind="risk", title="خرابی ترازو در روزهای بارانی", severity="medium")
    services.final_report_save(
        pilot=pilot,
        by=staff,
        outcome="سهم پسماند خشک تفکیک‌شده در دو محله از ۹ به ۲۷ درصد رسید؛ تجهیزات ساخت قم جایگزین نمونه وارداتی شد.",
        lessons="آموزش در سرای محله و پاداش اعتباری بیشترین اثر را داشت؛ ترازوها به پوشش ضدآب نیاز دارند.",
        recommendation="scale_up",
    )
    services.final_report_approve(pilot=pilot, by=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.COMPLETED, by=manager)
    _backdate(pilot, started=_ago(365), running=start, ended=_ago(180))
    agreement = services.agreement_from_pilot(pilot=pilot, by=manager, kind=Agreement.Kind.COOPERATION)
    services.agreement_update(
        agreement=agreement,
        by=manager,
        title="توسعه ایستگاه‌های تحویل پسماند خشک به ۱۰ محله قم",
        value_rial=18_000_000_000,
        value_public=True,
        signed_on=_ago(150),
        duration_months=18,
    )
    company_party = agreement.parties.filter(organization=proposal.organization).first()
    services.obligation_save(
        agreement=agreement,
        by=manager,
        party=company_party,
        description="نصب و نگهداری ۶۰ ایستگاه با قطعات ساخت داخل",
        due_date=_ago(-120),
    )
    city_party = agreement.parties.filter(kind=AgreementParty.Kind.CITY).first()
    services.obligation_save(
        agreement=agreement, by=manager, party=city_party, description="تأمین محل و برق ایستگاه‌ها", due_date=_ago(90)
    )
    services.agreement_milestone_save(agreement=agreement, by=manager, title="بهره‌برداری در ۵ محله", due_date=_ago(30))
    services.agreement_transition(agreement=agreement, to_state=Agreement.Status.SIGNED, by=manager)
    services.agreement_transition(agreement=agreement, to_state=Agreement.Status.ACTIVE, by=manager)
    return pilot


def _running_qom():
    proposal = _existing_award("qom")
    if proposal is None or Pilot.objects.filter(proposal=proposal).exists():
        return None
    manager = _manager(proposal.city)
    pilot, start = _run(proposal, start_ago=60, length=150, budget=3_200_000_000, manager=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)
    m1 = services.milestone_save(pilot=pilot, by=manager, title="نصب دوربین‌های شمارش در چهار تقاطع", due_date=_ago(30))
    _submit(m1, proposal.organization)
    services.milestone_review(milestone=m1, by=manager, accept=True)
    services.milestone_save(
        pilot=pilot, by=manager, title="زمان‌بندی پویای چراغ‌ها در ایام زیارتی", due_date=_ago(5)
    )  # overdue: not submitted
    services.milestone_save(pilot=pilot, by=manager, title="گزارش میانی تأخیر تقاطع‌ها", due_date=_ago(-5))
    services.payment_save(
        pilot=pilot, by=manager, milestone=m1, planned_rial=1_200_000_000, paid_rial=1_200_000_000, paid_on=_ago(25)
    )
    services.payment_save(pilot=pilot, by=manager, planned_rial=2_000_000_000)
    _measure(pilot, manager, [(45, "138"), (30, "126"), (15, "117"), (3, "109")], "میانگین ساعت اوج")
    services.log_entry_add(
        pilot=pilot, by=manager, kind="issue", title="قطعی برق دو تقاطع در شب‌های شلوغ", severity="high"
    )
    _backdate(pilot, started=_ago(65), running=start)
    return pilot


def _karaj():
    done = []
    proposal = _existing_award("karaj")
    if proposal is not None and not Pilot.objects.filter(proposal=proposal).exists():
        done.append(services.pilot_start(proposal=proposal, by=_manager(proposal.city)))  # planned
    proposal = _past_award("karaj-transport")
    if proposal is not None and not Pilot.objects.filter(proposal=proposal).exists():
        manager = _manager(proposal.city)
        pilot, start = _run(proposal, start_ago=250, length=120, budget=1_800_000_000, manager=manager)
        pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)
        _measure(pilot, manager, [(230, "58"), (210, "61")])
        pilot = services.pilot_transition(
            pilot=pilot,
            to_state=Pilot.State.STOPPED,
            by=manager,
            reason="حسگرها در نور شدید آفتاب خطای زیاد داشتند و شرکت نتوانست قطعه جایگزین داخلی تأمین کند.",
        )
        _backdate(pilot, started=_ago(255), running=start, ended=_ago(200))
        done.append(pilot)
    return done


def _tabriz():
    proposal = _past_award("tabriz-ict")
    if proposal is None or Pilot.objects.filter(proposal=proposal).exists():
        return None
    manager = _manager(proposal.city)
    staff = _staff(proposal.city, proposal.call.unit) or manager
    pilot, start = _run(proposal, start_ago=150, length=240, budget=2_600_000_000, manager=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)
    m = services.milestone_save(pilot=pilot, by=manager, title="راه‌اندازی پیشخوان در سه سرای محله", due_date=_ago(100))
    services.milestone_submit(milestone=m, by=_member(proposal.organization) or manager)
    services.milestone_review(
        milestone=m, by=staff, accept=False, reason="اتصال به سامانه پرداخت شهرداری آزمون نشده است."
    )
    _measure(pilot, staff, [(120, "41"), (90, "33"), (60, "29")])
    pilot = services.pilot_transition(
        pilot=pilot, to_state=Pilot.State.PAUSED, by=manager, reason="تعطیلی سراهای محله در ایام نوروز"
    )
    _backdate(pilot, started=_ago(155), running=start)
    return pilot


def _tehran():
    proposal = _past_award("tehran-transport")
    if proposal is None or Pilot.objects.filter(proposal=proposal).exists():
        return None
    manager = _manager(proposal.city)
    staff = _staff(proposal.city, proposal.call.unit) or manager
    pilot, start = _run(proposal, start_ago=340, length=200, budget=6_000_000_000, manager=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.RUNNING, by=manager)
    m = services.milestone_save(pilot=pilot, by=manager, title="نصب نمایشگر در ۲۰ ایستگاه", due_date=_ago(300))
    services.milestone_review(milestone=m, by=staff, accept=True)
    services.payment_save(
        pilot=pilot, by=manager, milestone=m, planned_rial=3_500_000_000, paid_rial=3_500_000_000, paid_on=_ago(295)
    )
    _measure(pilot, staff, [(310, "42"), (260, "55"), (200, "63"), (160, "68")], "نظرسنجی ایستگاهی")
    services.final_report_save(
        pilot=pilot,
        by=staff,
        outcome="رضایت مسافران به ۶۸ درصد رسید؛ دقت پیش‌بینی در ساعات اوج کمتر از هدف بود.",
        lessons="به داده موقعیت لحظه‌ای همه اتوبوس‌های خط نیاز است.",
        recommendation="extend",
    )
    services.final_report_approve(pilot=pilot, by=manager)
    pilot = services.pilot_transition(pilot=pilot, to_state=Pilot.State.COMPLETED, by=manager)
    _backdate(pilot, started=_ago(345), running=start, ended=_ago(140))
    agreement = services.agreement_from_pilot(pilot=pilot, by=manager, kind=Agreement.Kind.PILOT_CONTRACT)
    services.agreement_update(
        agreement=agreement,
        by=manager,
        title="قرارداد پایلوت نمایشگرهای زمان رسیدن اتوبوس خط ۷",
        value_rial=6_000_000_000,
        value_public=False,
        signed_on=_ago(335),
        duration_months=7,
    )
    for status in (Agreement.Status.SIGNED, Agreement.Status.ACTIVE, Agreement.Status.COMPLETED):
        services.agreement_transition(agreement=agreement, to_state=status, by=manager)
    return pilot


# ------------------------------------------------------------------------------------------------
# Stand-alone agreements
# ------------------------------------------------------------------------------------------------
STANDALONE = [
    {
        "city": "qom",
        "title": "تفاهم‌نامه همکاری سازمان فناوری اطلاعات شهرداری قم و دانشگاه قم",
        "kind": Agreement.Kind.MOU,
        "subject": "امضاشده در نخستین رویداد فناورانه مدیریت شهری و فرهنگ شهروندی: معرفی نیازهای شهرداری به "
        "دانشجویان و شرکت‌های نوپا و استفاده از محصولات دانشگاهی به جای محصولات غیربومی.",
        "signed_days_ago": 90,
        "months": 24,
        "parties": [
            {"kind": "unit", "unit": "ict", "role": "نماینده شهرداری"},
            {"kind": "university", "name": "دانشگاه قم", "role": "میزبان رویداد و معرفی طرح‌های دانشجویی"},
        ],
        "to": [Agreement.Status.SIGNED],
    },
    {
        "city": "karaj",
        "title": "مجوز بهره‌برداری از نرم‌افزار مسیریابی خودروهای خدمات شهری",
        "kind": Agreement.Kind.LICENCE,
        "subject": "استفاده از نرم‌افزار بومی مسیریابی برای خودروهای جمع‌آوری پسماند کرج.",
        "signed_days_ago": 400,
        "months": 36,
        "value": 900_000_000,
        "public": True,
        "parties": [{"kind": "organization", "org": "mosharekatno-alborz-technologies", "role": "دارنده مجوز"}],
        "to": [Agreement.Status.SIGNED, Agreement.Status.ACTIVE, Agreement.Status.TERMINATED],
        "reason": "شرکت پشتیبانی نسخه جدید را متوقف کرد و شهرداری به سامانه یکپارچه استانی مهاجرت کرد.",
    },
    {
        "city": "tabriz",
        "title": "تفاهم‌نامه مرکز نوآوری و فناوری شهرداری تبریز با مرکز رشد فناوری آذر",
        "kind": Agreement.Kind.MOU,
        "subject": "پذیرش تیم‌های نوآور در حوزه‌های پسماند، حمل‌ونقل، زیباسازی و هوشمندسازی در مرکز نوآوری.",
        "parties": [
            {"kind": "unit", "unit": "innovation", "role": "مرکز نوآوری و فناوری شهرداری"},
            {"kind": "organization", "org": "azar-technology-incubator", "role": "معرفی و پشتیبانی تیم‌ها"},
        ],
        "to": [],  # a draft
    },
    {
        "city": "tehran",
        "title": "تفاهم‌نامه شهرداری تهران و انجمن شرکت‌های صنایع پیشرفته و دانش‌بنیان",
        "kind": Agreement.Kind.COOPERATION,
        "subject": "عرضه کالا و خدمات دانش‌بنیان بر پایه نیاز شهر و معرفی شرکت‌ها به سازمان‌های شهرداری.",
        "signed_days_ago": 45,
        "months": 12,
        "parties": [
            {"kind": "unit", "unit": "innovation", "role": "سازمان فناوری‌های نوین شهرداری"},
            {"kind": "other", "name": "انجمن ملی شرکت‌های صنایع پیشرفته و دانش‌بنیان", "body_kind": "انجمن صنفی"},
        ],
        "to": [Agreement.Status.SIGNED, Agreement.Status.ACTIVE],
    },
    {
        "city": "tehran",
        "title": "خرید روکش ضدلغزش بومی برای پل‌های عابر پیاده",
        "kind": Agreement.Kind.PURCHASE,
        "subject": "امضاشده در رویداد ملی صنعت دانش‌بنیان: خرید از شرکت دانش‌بنیان داخلی به جای نمونه وارداتی.",
        "signed_days_ago": 20,
        "months": 6,
        "value": 2_400_000_000,
        "public": True,
        "parties": [{"kind": "organization", "org": "rokesh-damavand-technologies", "role": "فروشنده"}],
        "to": [Agreement.Status.SIGNED],
    },
]


def _standalone(spec) -> Agreement | None:
    city = City.objects.filter(slug=spec["city"]).first()
    manager = _manager(city) if city else None
    if manager is None or Agreement.objects.filter(city=city, title=spec["title"]).exists():
        return None
    parties = []
    for p in spec["parties"]:
        party = {k: v for k, v in p.items() if k not in ("unit", "org")}
        if "unit" in p:
            party["unit"] = Unit.objects.filter(city=city, slug=p["unit"]).first()
            if party["unit"] is None:
                continue
        if "org" in p:
            party["organization"] = Organization.objects.filter(slug=p["org"]).first()
            if party["organization"] is None:
                continue
        parties.append(party)
    agreement = services.agreement_create(
        city=city,
        by=manager,
        parties=parties,
        title=spec["title"],
        kind=spec["kind"],
        subject=spec["subject"],
        value_rial=spec.get("value"),
        value_public=spec.get("public", False),
        signed_on=_ago(spec["signed_days_ago"]) if "signed_days_ago" in spec else None,
        duration_months=spec.get("months"),
    )
    for status in spec["to"]:
        services.agreement_transition(agreement=agreement, to_state=status, by=manager, reason=spec.get("reason", ""))
    return agreement


def load(*, stdout) -> None:
    with emails_off():
        made = [_completed_qom(), _running_qom(), *_karaj(), _tabriz(), _tehran()]
        agreements = [_standalone(spec) for spec in STANDALONE]
        # The reminders a day of the demo would have sent (the overdue milestone of Qom's running pilot).
        services.send_reminders()
    n_pilots = len([p for p in made if p is not None])
    n_agreements = len([a for a in agreements if a is not None])
    states = sorted(set(Pilot.objects.values_list("state", flat=True)))
    stdout.write(
        _("Pilots: %(n)s new (states: %(states)s); agreements: %(m)s new stand-alone, %(total)s in all")
        % {"n": n_pilots, "states": ", ".join(states), "m": n_agreements, "total": Agreement.objects.count()}
    )
