"""Demo data of the consortia app: a Tehran mission "smart waste collection value chain" with six
roles from the capability taxonomy, one real run of the optimiser on the demo directory, and a
consortium in progress led by the demo organization admin's startup (Baziar), with invitations
to the other members the optimiser proposed.

Called by ``hamafza demo`` after the directory and challenges steps. Idempotent: the mission is
found by its Persian title and city, roles by code, and the run, the consortium and the
invitations are only written when the mission has none. The run uses an in-memory engine built
from the database (``services.database_engine``: no embeddings, no index directory), so the demo
needs no model download and leaves the server's index alone. The taxonomy has no capability for
vehicle maintenance or financing, so those links of the chain are not roles here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamafza.accounts.models import CityRole, User
from hamafza.consortia import services
from hamafza.consortia.models import Consortium, Mission, MissionRole, ProposalRun
from hamafza.core.models import Capability, City
from hamafza.core.text import normalize
from hamafza.directory.models import Organization, OrganizationMembership

CITY = "tehran"
TITLE_FA = "زنجیره ارزش جمع‌آوری هوشمند پسماند تهران"
TITLE_EN = "Tehran smart waste collection value chain"
DESCRIPTION = (
    "شهرداری تهران می‌خواهد جمع‌آوری پسماند را از مخزن تا کمپوست هوشمند کند: حسگر سطح پر شدن مخازن، "
    "مسیریابی پویای خودروها، تفکیک و بازیافت، تبدیل پسماند تر به کمپوست، اپلیکیشن شهروندی برای "
    "درخواست جمع‌آوری و کیف پول پرداخت به شهروندان. هیچ شرکت کوچکی همه این حلقه‌ها را به‌تنهایی ندارد؛ "
    "یک کنسرسیوم از شرکت‌های دانش‌بنیان و استارتاپ‌ها همه نقش‌ها را با هم پر می‌کند."
)
# code, name, capabilities, min, max, text
ROLES = [
    ("sensing", "حسگر مخازن", ["waste.sensing", "smart.iot_network"], 1, 1, "حسگر سطح پر شدن مخازن پسماند"),
    ("routing", "مسیریابی خودروها", ["waste.routing"], 1, 1, "بهینه‌سازی مسیر خودروهای جمع‌آوری"),
    ("sorting", "تفکیک و بازیافت", ["waste.sorting"], 1, 2, "تفکیک از مبدأ و بازیافت پسماند خشک"),
    ("composting", "کمپوست", ["waste.organic"], 1, 1, "تبدیل پسماند تر به کمپوست"),
    ("citizen-app", "اپلیکیشن شهروندی", ["smart.citizen_app"], 1, 1, "درخواست جمع‌آوری و آموزش شهروندان"),
    ("payments", "پرداخت و کیف پول", ["smart.payments"], 1, 1, "پرداخت به شهروندان برای پسماند تفکیک‌شده"),
]
MANAGER_EMAIL = "manager.tehran@demo.hamafza.ir"
LEAD = "baziar"  # the demo organization admin's startup


def load(*, stdout) -> None:
    city = City.objects.filter(slug=CITY).first()
    manager = User.objects.filter(
        email=MANAGER_EMAIL, city_roles__city=city, city_roles__role=CityRole.Role.INNOVATION_MANAGER
    ).first()
    if city is None or manager is None:
        stdout.write(_("consortia: skipped (the Tehran city or its demo manager is missing)"))
        return
    mission = Mission.objects.filter(city=city, title_fa=normalize(TITLE_FA)).first()
    if mission is None:
        mission = services.mission_create(
            by=manager,
            city=city,
            values={"title_fa": TITLE_FA, "title_en": TITLE_EN, "description": DESCRIPTION},
        )
    caps = {c.code: c for c in Capability.objects.filter(code__in={c for r in ROLES for c in r[2]})}
    existing = set(MissionRole.objects.filter(mission=mission).values_list("code", flat=True))
    for code, name, codes, lo, hi, text in ROLES:
        if code in existing or not all(c in caps for c in codes):
            continue
        services.role_save(
            target=mission,
            by=manager,
            code=code,
            name=name,
            capabilities=[caps[c] for c in codes],
            min_members=lo,
            max_members=hi,
            text=text,
        )
    run = ProposalRun.objects.filter(mission=mission).first()
    if run is None:
        run = services.consortia_propose(
            target=mission, by=manager, top=5, max_members=6, engine=services.database_engine()
        )
    note = _consortium(mission, run)
    stdout.write(
        _("consortia: mission “%(title)s” with %(roles)s roles, %(n)s proposed consortia; %(note)s")
        % {
            "title": mission.title_en,
            "roles": MissionRole.objects.filter(mission=mission).count(),
            "n": len(run.result.get("consortia", [])),
            "note": note,
        }
    )


def _consortium(mission: Mission, run: ProposalRun) -> str:
    consortium = Consortium.objects.filter(mission=mission).first()
    if consortium is not None:
        return _("consortium already formed")
    lead = Organization.objects.filter(slug=LEAD).first()
    admin = (
        OrganizationMembership.objects.filter(organization=lead, role="admin").select_related("user").first()
        if lead
        else None
    )
    if admin is None:
        return _("no consortium (the lead's demo admin is missing)")
    # The best proposed consortium the lead is part of.
    rank = next(
        (
            c["rank"]
            for c in run.result.get("consortia", [])
            if any(m["organization"] == str(lead.pk) for m in c["members"])
        ),
        None,
    )
    if rank is None:
        return _("no consortium (the lead is in none of the proposed consortia)")
    consortium = services.consortium_form(run=run, rank=rank, lead=lead, by=admin.user)
    proposed = next(c for c in run.result["consortia"] if c["rank"] == rank)
    roles = {r.code: r for r in MissionRole.objects.filter(mission=mission)}
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=[int(m["organization"]) for m in proposed["members"]])}
    invited = 0
    for m in proposed["members"]:
        if m["organization"] == str(lead.pk):
            continue
        for seat in m["roles"]:
            services.consortium_invite(
                consortium=consortium,
                role=roles[seat["role"]],
                organization=orgs[int(m["organization"])],
                by=admin.user,
                message="برای تکمیل زنجیره ارزش پسماند تهران به کنسرسیوم ما بپیوندید.",
            )
            invited += 1
    return _("a consortium led by %(lead)s (proposal %(rank)s) with %(n)s pending invitations") % {
        "lead": lead.name_en or lead.name,
        "rank": rank,
        "n": invited,
    }
