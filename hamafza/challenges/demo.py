"""Demo data of the challenges app: needs and calls at every stage in Qom, Karaj, Tabriz and Tehran,
on the topics of the source documents. Called by `hamafza demo` after the core, accounts and
directory steps (see hamafza/core/management/commands/demo.py for the contract).

Everything is written through the services (permissions, audit, state machine). People are found
by their role in the city (CityRole), not by email; a city without an innovation manager is skipped
with a message. Each scenario is keyed by its title in its city, so a second run writes nothing.
Past calls are published and closed "in the past" (the services take `now`), so their history reads
naturally. Demo notifications are in-app only (no email is sent).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from hamafza.accounts.models import CityRole
from hamafza.challenges import services
from hamafza.challenges.models import Call, Need
from hamafza.challenges.notifications import emails_off
from hamafza.core.models import Capability, City, Domain, Unit
from hamafza.core.text import normalize
from hamafza.directory.models import Organization, OrganizationMembership

S = Call.State
DAY = datetime.timedelta(days=1)

CRITERIA_STANDARD = [
    {"name": "اثر بر شاخص هدف", "weight": 40},
    {"name": "هزینه و امکان‌پذیری", "weight": 30},
    {"name": "تجربه و توان تیم", "weight": 20},
    {"name": "بومی بودن فناوری", "weight": 10},
]

# Each scenario: the stage it is taken to, its unit (slug), taxonomy, the need or call text and the
# canvas. `via_need`: filed by the unit's staff and accepted in triage (when the city has staff of
# that unit); otherwise the manager starts the call.
SCENARIOS: dict[str, list[dict]] = {
    "qom": [
        {
            "stage": S.PUBLISHED,
            "unit": "waste",
            "domain": "waste",
            "caps": ["waste.sorting", "waste.routing"],
            "title": "هوشمندسازی جمع‌آوری پسماند خشک در محله‌های مرکزی قم",
            "description": "پسماند خشک در محله‌های مرکزی قم با پسماند تر مخلوط می‌شود و سهم بازیافت پایین است. "
            "به راهکاری برای تفکیک از مبدأ و زمان‌بندی هوشمند جمع‌آوری نیاز داریم.",
            "kpi": ("سهم پسماند خشک تفکیک‌شده", "درصد", "8", "25"),
            "budget": (3_000_000_000, 8_000_000_000),
            "closes_in": 40,
            "provinces": ["Qom"],
            "question": (
                "آیا داده وزن روزانه پسماند هر منطقه در اختیار متقاضیان قرار می‌گیرد؟",
                "بله؛ آمار دو سال گذشته پس از امضای تعهد محرمانگی در اختیار قرار می‌گیرد.",
            ),
        },
        {
            "stage": S.RESULTS_PUBLISHED,
            "unit": "transport",
            "domain": "traffic",
            "caps": ["traffic.signals", "traffic.analytics"],
            "title": "کاهش ترافیک تقاطع‌های اطراف حرم در ایام زیارتی",
            "description": "در ایام زیارتی صف خودروها در تقاطع‌های اطراف حرم تا یک کیلومتر می‌رسد. "
            "زمان‌بندی چراغ‌ها ثابت است و با حجم ترافیک تغییر نمی‌کند.",
            "kpi": ("میانگین تأخیر در تقاطع", "ثانیه", "140", "90"),
            "budget": (5_000_000_000, 12_000_000_000),
            "results": [
                ("awarded", "بالاترین امتیاز در اثر بر تأخیر و هزینه"),
            ],
        },
        {
            "stage": S.CLOSED,
            "unit": "innovation",
            "domain": "env",
            "caps": ["env.air"],
            "title": "پایش لحظه‌ای کیفیت هوا در مدارس قم",
            "description": "مدارس از آلودگی هوا خبر ندارند و تعطیلی‌ها دیر اعلام می‌شود. حسگرهای کم‌هزینه و "
            "داشبوردی برای مدیران مدارس لازم است.",
            "kpi": ("مدارس دارای پایش لحظه‌ای", "مدرسه", "0", "120"),
            "budget": (1_500_000_000, 4_000_000_000),
        },
        {
            "stage": "need_submitted",
            "unit": "waste",
            "domain": "waste",
            "caps": ["waste.sorting"],
            "title": "تفکیک پسماند در مبدأ در مدارس و ادارات",
            "description": "مدارس و ادارات قم پسماند خشک را جدا نمی‌کنند؛ ایستگاه بازیافت ندارند.",
        },
        {
            "stage": "need_draft",
            "unit": "waste",
            "domain": "waste",
            "caps": ["waste.routing"],
            "title": "ردیابی خودروهای حمل پسماند",
            "description": "نمی‌دانیم خودروها کجا هستند و مسیرها بهینه نیست.",
        },
        {
            "stage": "need_moderation",
            "domain": "waste",
            "title": "بوی نامطبوع ایستگاه انتقال پسماند در خیابان انقلاب",
            "description": "شب‌ها بوی ایستگاه انتقال پسماند تا خانه‌ها می‌رسد.",
            "location": "خیابان انقلاب",
        },
    ],
    "karaj": [
        {
            "stage": S.PUBLISHED,
            "unit": "beautification",
            "domain": "telecom",
            "caps": ["telecom.camouflage", "telecom.siting"],
            "call_type": "invited",
            "title": "استتار دکل‌های مخابراتی در بافت مسکونی کرج",
            "description": "نصب بی‌نظم دکل‌ها و آنتن‌های اپراتورهای همراه منظر شهری را مخدوش کرده و نگرانی "
            "شهروندان را برانگیخته است. راهکار استتار و جانمایی منظم دکل‌ها را می‌خواهیم.",
            "kpi": ("دکل‌های استتارشده", "دکل", "0", "60"),
            "budget": (4_000_000_000, 10_000_000_000),
            "closes_in": 25,
            "invite_caps": ["telecom.camouflage", "telecom.siting", "beauty.facade"],
        },
        {
            "stage": S.IN_EVALUATION,
            "unit": "beautification",
            "domain": "beauty",
            "caps": ["beauty.furniture"],
            "title": "مبلمان شهری هوشمند برای پارک‌های کرج",
            "description": "نیمکت‌ها و سطل‌های پارک‌ها فرسوده‌اند؛ مبلمانی با شارژ خورشیدی و نور مناسب می‌خواهیم.",
            "kpi": ("رضایت شهروندان از مبلمان پارک", "درصد", "35", "70"),
            "budget": (2_000_000_000, 6_000_000_000),
        },
        {
            "stage": S.IN_DEFINITION,
            "unit": "beautification",
            "domain": "beauty",
            "caps": ["beauty.facade"],
            "title": "زیباسازی جداره‌های بزرگراه شهید همت کرج",
            "description": "جداره‌های بتنی بزرگراه بی‌روح است و دیوارنویسی زیاد دارد.",
            "partial": True,
        },
        {
            "stage": "need_rejected",
            "unit": "beautification",
            "domain": "telecom",
            "caps": ["telecom.siting"],
            "title": "نصب آنتن روی پشت‌بام ساختمان‌های اداری",
            "description": "اپراتورها برای نصب آنتن روی بام ساختمان‌های اداری درخواست داده‌اند.",
            "reason": "این موضوع در فراخوان استتار دکل‌های مخابراتی دیده شده است.",
        },
        {
            "stage": "need_submitted",
            "unit": "beautification",
            "domain": "telecom",
            "caps": ["telecom.camouflage"],
            "title": "ساماندهی دکل های مخابراتي محله گوهردشت",
            "description": "دكل‌ها در محله گوهردشت بدون استتار نصب شده‌اند.",
        },
    ],
    "tabriz": [
        {
            "stage": S.READY,
            "unit": "ict",
            "domain": "smart",
            "caps": ["smart.citizen_app", "smart.payments"],
            "title": "سامانه یکپارچه خدمات شهروندی تبریز",
            "description": "شهروندان برای هر خدمت شهرداری باید به سامانه‌ای جدا مراجعه کنند. یک درگاه "
            "یکپارچه با پرداخت و پیگیری درخواست لازم است.",
            "kpi": ("خدمات قابل ارائه در یک درگاه", "خدمت", "6", "40"),
            "budget": (6_000_000_000, 15_000_000_000),
        },
        {
            "stage": S.PUBLISHED,
            "unit": "innovation",
            "domain": "innovation",
            "caps": ["innovation.incubation", "innovation.acceleration"],
            "call_type": "rfp",
            "title": "راه‌اندازی و اداره فضای کار اشتراکی مرکز نوآوری تبریز",
            "description": "مرکز نوآوری و فناوری شهرداری تبریز فضای کار اشتراکی و خدمات شتاب‌دهی برای "
            "ایده‌پردازان، دانشجویان و شرکت‌های دانش‌بنیان راه‌اندازی می‌کند و بهره‌بردار می‌خواهد.",
            "kpi": ("تیم‌های مستقر", "تیم", "0", "30"),
            "budget": (2_500_000_000, 7_000_000_000),
            "closes_in": 18,
            "provinces": ["East Azerbaijan"],
            "kb": True,
            "kinds": ["knowledge_based_company", "accelerator", "incubator"],
        },
        {
            "stage": S.CANCELLED,
            "unit": "ict",
            "domain": "smart",
            "caps": ["smart.data_platform"],
            "title": "داشبورد داده‌های شهری تبریز",
            "description": "داده‌های واحدها پراکنده است و مدیران داشبورد واحدی ندارند.",
            "kpi": ("واحدهای متصل به داشبورد", "واحد", "0", "12"),
            "budget": (1_000_000_000, 3_000_000_000),
            "reason": "این نیاز در طرح سامانه یکپارچه خدمات شهروندی ادغام شد.",
        },
        {
            "stage": "need_submitted",
            "unit": "ict",
            "domain": "transit",
            "caps": ["transit.info"],
            "title": "اطلاع‌رسانی زمان رسیدن اتوبوس در ایستگاه‌ها",
            "description": "مسافران زمان رسیدن اتوبوس را نمی‌دانند.",
        },
    ],
    "tehran": [
        {
            "stage": S.IN_DEFINITION,
            "unit": "transport",
            "domain": "transit",
            "caps": ["transit.info"],
            "title": "کاهش زمان سفر در خطوط پرتردد اتوبوس تهران",
            "description": "سرفاصله اتوبوس‌ها در خطوط پرتردد نامنظم است و مسافران زمان زیادی منتظر می‌مانند.",
            "kpi": ("میانگین زمان انتظار", "دقیقه", None, "8"),
            "budget": (None, 20_000_000_000),
            "facilitated": True,
        },
        {
            "stage": S.DRAFT,
            "unit": "innovation",
            "domain": "env",
            "caps": ["env.air"],
            "title": "پایش آلودگی هوا با حسگرهای کم‌هزینه در تهران",
            "description": "ایستگاه‌های سنجش آلودگی کم‌اند و داده محله‌ای نداریم.",
        },
        {
            "stage": "need_submitted",
            "unit": "transport",
            "domain": "env",
            "caps": ["env.air"],
            "title": "کاهش آلودگی هوای ناشی از ترافیک در مدارس",
            "description": "کیفیت هوا در مدارس نزدیک بزرگراه‌ها پایین است؛ پایش لحظه‌ای کیفیت هوا لازم است.",
        },
    ],
}


def _person(city, role):
    cr = CityRole.objects.filter(city=city, role=role).select_related("user", "unit").order_by("pk").first()
    return cr


def _citizen():
    return (
        get_user_model()
        .objects.filter(city_roles__isnull=True, memberships__isnull=True, is_superuser=False, is_active=True)
        .order_by("pk")
        .first()
    )


def _canvas_values(spec: dict, unit: Unit, complete: bool) -> dict:
    kpi_name, kpi_unit, baseline, target = spec.get("kpi") or ("", "", None, None)
    low, high = spec.get("budget") or (None, None)
    values = {
        "background": spec["description"]
        + " این مسئله از گزارش‌های واحد و تماس‌های شهروندان با سامانه ۱۳۷ در سال گذشته جمع‌بندی شده است.",
        "affected": "شهروندان ساکن و رهگذران، کارکنان واحد و پیمانکاران خدمات شهری",
        "kpi_name": kpi_name,
        "kpi_unit": kpi_unit,
        "baseline_value": Decimal(baseline) if baseline is not None else None,
        "target_value": Decimal(target) if target is not None else None,
        "target_date": timezone.localdate() + 300 * DAY if complete else None,
        "constraints_text": "اجرا بدون توقف خدمات جاری؛ داده شهروندان در سرورهای شهرداری می‌ماند." if complete else "",
        "budget_min_rial": low,
        "budget_max_rial": high,
        "timeline": "سه ماه طراحی و آزمایش، شش ماه اجرای آزمایشی در یک منطقه" if complete else "",
        "available_data": "آمار سه سال گذشته واحد و نقشه‌های GIS شهرداری" if complete else "",
        "pilot_unit": unit,
        "criteria": CRITERIA_STANDARD if complete else [],
    }
    if spec.get("partial"):
        values.update(kpi_name="", target_value=None, budget_min_rial=None, budget_max_rial=None, criteria=[])
    return values


def _save_canvas(call, by, spec, complete=True):
    call.refresh_from_db()
    values = _canvas_values(spec, call.unit, complete)
    services.canvas_update(
        call=call,
        by=by,
        expected_version=call.canvas.version,
        title=call.title,
        description=call.description,
        **values,
    )


def _timeline(spec, now):
    """(start, closes): when the call was published and when it closes, relative to now."""
    past = spec["stage"] in (S.CLOSED, S.IN_EVALUATION, S.RESULTS_PUBLISHED)
    start = now - 60 * DAY if past else now - 3 * DAY
    closes = now - 10 * DAY if past else now + spec.get("closes_in", 30) * DAY
    return start, closes.replace(hour=20, minute=29, second=59, microsecond=0)  # 23:59:59 Tehran


def _advance(call, spec, people, now):
    """Take a call from in_definition (or draft) to the scenario's stage."""
    manager, staff, facilitator = people["manager"], people["staff"], people["facilitator"]
    target = spec["stage"]
    if target == S.DRAFT:
        return call
    if call.state == S.DRAFT:
        call = services.call_transition(call=call, to=S.IN_DEFINITION, by=manager, now=_timeline(spec, now)[0] - DAY)
    if spec.get("facilitated") and facilitator is not None:
        services.call_assign_facilitator(call=call, by=manager, user=facilitator)
        _save_canvas(call, facilitator, spec, complete=False)
        services.canvas_comment_add(
            call=call, by=facilitator, body="شاخص زمان انتظار هنوز مقدار پایه ندارد؛ داده کارت بلیت را بخواهیم."
        )
        services.canvas_comment_add(call=call, by=manager, body="داده کارت بلیت را از سازمان حمل‌ونقل می‌گیریم.")
        return call
    if target == S.IN_DEFINITION:
        _save_canvas(call, manager, spec, complete=False)
        return call
    _save_canvas(call, manager, spec, complete=True)
    start, closes = _timeline(spec, now)
    staff_role = people["staff_role"]
    marker = staff if staff_role is not None and staff_role.unit_id == call.unit_id else manager
    call = services.call_transition(call=call, to=S.READY, by=marker, now=start)
    if target == S.READY:
        return call
    invited = []
    if spec.get("call_type") == "invited":
        invited = list(
            Organization.objects.filter(capabilities__code__in=spec.get("invite_caps", []))
            .distinct()
            .order_by("-verified", "name")[:4]
        ) or list(Organization.objects.order_by("name")[:3])
    services.call_update_settings(
        call=call,
        by=manager,
        now=start,
        call_type=spec.get("call_type", "open"),
        opens_at=start,
        closes_at=closes,
        allowed_provinces=spec.get("provinces", []),
        knowledge_based_required=spec.get("kb", False),
        allowed_kinds=spec.get("kinds", []),
        invited_organizations=invited,
    )
    call = services.call_transition(call=call, to=S.PUBLISHED, by=manager, now=start)
    if spec.get("question"):
        member = OrganizationMembership.objects.select_related("user", "organization").order_by("pk").first()
        if member is not None and call.is_open(now):
            q = services.question_ask(
                call=call, by=member.user, question=spec["question"][0], organization=member.organization
            )
            services.question_answer(question=q, by=manager, answer=spec["question"][1])
    if target == S.CANCELLED:
        return services.call_transition(call=call, to=S.CANCELLED, by=manager, note=spec["reason"], now=start + DAY)
    if target == S.PUBLISHED:
        return call
    services.call_close_due(now=closes + datetime.timedelta(seconds=1))
    if target == S.CLOSED:
        return call
    call = services.call_transition(call=call, to=S.IN_EVALUATION, by=manager, now=closes + 2 * DAY)
    if target == S.IN_EVALUATION:
        return call
    orgs = list(Organization.objects.filter(province=call.city.province).order_by("-verified", "name")[:2])
    orgs += list(Organization.objects.exclude(pk__in=[o.pk for o in orgs]).order_by("name")[: 2 - len(orgs)])
    for rank, (org, (outcome, reason)) in enumerate(zip(orgs, spec.get("results", []), strict=False), start=1):
        services.call_result_record(
            call=call,
            by=manager,
            organization=org,
            outcome=outcome,
            public_reason=reason,
            rank=rank if outcome == "awarded" else None,
        )
    return services.call_transition(call=call, to=S.RESULTS_PUBLISHED, by=manager, now=closes + 8 * DAY)


def _scenario(city, spec, people, now) -> str | None:
    """Create one scenario unless its need or call already exists. Returns what was created."""
    title = normalize(spec["title"])
    if Need.objects.filter(city=city, title=title).exists() or Call.objects.filter(city=city, title=title).exists():
        return None
    manager, staff_role = people["manager"], people["staff_role"]
    domain = Domain.objects.filter(code=spec.get("domain", "")).first()
    caps = list(Capability.objects.filter(code__in=spec.get("caps", [])))
    stage = spec["stage"]
    if stage == "need_moderation":
        citizen = people["citizen"]
        if citizen is None:
            return None
        need = services.need_save_draft(
            by=citizen,
            city=city,
            source=Need.Source.CITIZEN,
            title=title,
            description=spec["description"],
            location=spec.get("location", ""),
            domain=domain,
        )
        services.need_submit(need=need, by=citizen)
        return "need"
    own_unit = staff_role is not None and staff_role.unit.slug == spec.get("unit")
    if own_unit:
        need = services.need_save_draft(
            by=staff_role.user,
            city=city,
            title=title,
            description=spec["description"],
            domain=domain,
            urgency="high",
            capabilities=caps,
            unit=staff_role.unit,
        )
        if stage == "need_draft":
            return "need"
        services.need_submit(need=need, by=staff_role.user)
        if stage == "need_submitted":
            return "need"
        if stage == "need_rejected":
            services.need_reject(need=need, by=manager, reason=spec["reason"])
            return "need"
        call = services.need_accept(need=need, by=manager, now=_timeline(spec, now)[0] - 7 * DAY)
    else:
        if stage.startswith("need_"):
            return None  # a need needs the unit's staff; the demo has none for this unit
        unit = city.units.filter(slug=spec.get("unit")).first() or city.units.order_by("pk").first()
        if unit is None:
            return None
        call = services.call_create(
            now=_timeline(spec, now)[0] - 7 * DAY,
            city=city,
            unit=unit,
            by=manager,
            title=title,
            description=spec["description"],
            domain=domain,
            capabilities=caps,
        )
    _advance(call, spec, people, now)
    return "call"


def load(*, stdout) -> None:
    now = timezone.now().replace(microsecond=0)
    counts = {"need": 0, "call": 0}
    skipped = []
    citizen = _citizen()
    with emails_off():
        for slug, specs in SCENARIOS.items():
            city = City.objects.filter(slug=slug).first()
            manager_role = _person(city, CityRole.Role.INNOVATION_MANAGER) if city else None
            if city is None or manager_role is None:
                skipped.append(slug)
                continue
            staff_role = (
                CityRole.objects.filter(city=city, role=CityRole.Role.UNIT_STAFF, unit__isnull=False)
                .select_related("user", "unit")
                .order_by("pk")
                .first()
            )
            facilitator_role = _person(city, CityRole.Role.FACILITATOR)
            people = {
                "manager": manager_role.user,
                "staff_role": staff_role,
                "staff": staff_role.user if staff_role else None,
                "facilitator": facilitator_role.user if facilitator_role else None,
                "citizen": citizen,
            }
            for spec in specs:
                created = _scenario(city, spec, people, now)
                if created:
                    counts[created] += 1
    stdout.write(
        _("Challenges: %(needs)s needs and %(calls)s calls created")
        % {"needs": counts["need"], "calls": counts["call"]}
    )
    if skipped:
        stdout.write(
            _("Challenges: skipped %(cities)s (no such city or no innovation manager there)")
            % {"cities": ", ".join(skipped)}
        )
