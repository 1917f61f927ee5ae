"""Demo accounts: one per role, all with the password DEMO_PASSWORD.

Called by `hamafza demo` after the core step (the cities and units must exist). Accounts that
already exist are left as they are (an operator may have changed a password); missing accounts
and missing roles are added. Organization memberships are added by the directory step, which
creates the organizations.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext, pgettext_lazy

from hamafza.accounts import services
from hamafza.accounts.models import CityRole, User
from hamafza.core.models import City, Unit

# Slugs of the demo organizations that demo accounts belong to (the directory step creates them,
# hamafza.directory.demo_data.anchors, and adds the memberships).
QOM_STARTUP = "baziar"
TABRIZ_COMPANY = "azarpouya-smart-systems"
TEHRAN_PROBLEM_FIRM = "masalenegar"

DEMO_PASSWORD = "hamafza-demo"  # noqa: S105 - documented demo password, printed by `hamafza demo`
DOMAIN = "demo.hamafza.ir"


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str  # a CityRole.Role value, or "admin", "org_admin", "org_member", "citizen"
    city: str = ""  # city slug
    unit: str = ""  # unit slug (unit staff)
    name_fa: str = ""
    name_en: str = ""
    organization: str = ""  # organization slug (organization admins and members, the facilitator)


R = CityRole.Role
DEMO_USERS = [
    DemoUser(f"admin@{DOMAIN}", "admin", name_fa="مدیر سامانه", name_en="Platform Admin"),
    DemoUser(f"manager.qom@{DOMAIN}", R.INNOVATION_MANAGER, "qom", name_fa="مهدی رحمانی", name_en="Mahdi Rahmani"),
    DemoUser(
        f"manager.karaj@{DOMAIN}", R.INNOVATION_MANAGER, "karaj", name_fa="نازنین صالحی", name_en="Nazanin Salehi"
    ),
    DemoUser(f"manager.tabriz@{DOMAIN}", R.INNOVATION_MANAGER, "tabriz", name_fa="بهروز آذری", name_en="Behrouz Azari"),
    DemoUser(f"manager.tehran@{DOMAIN}", R.INNOVATION_MANAGER, "tehran", name_fa="شیما نیک‌نام", name_en="Shima Niknam"),
    DemoUser(
        f"staff.qom.waste@{DOMAIN}", R.UNIT_STAFF, "qom", "waste", name_fa="محسن قربانی", name_en="Mohsen Ghorbani"
    ),
    DemoUser(
        f"staff.karaj.beautification@{DOMAIN}",
        R.UNIT_STAFF,
        "karaj",
        "beautification",
        name_fa="آزاده فرهمند",
        name_en="Azadeh Farahmand",
    ),
    DemoUser(
        f"staff.tabriz.ict@{DOMAIN}", R.UNIT_STAFF, "tabriz", "ict", name_fa="یوسف تبریزی", name_en="Yousef Tabrizi"
    ),
    DemoUser(
        f"staff.tehran.transport@{DOMAIN}",
        R.UNIT_STAFF,
        "tehran",
        "transport",
        name_fa="کامران وحیدی",
        name_en="Kamran Vahidi",
    ),
    DemoUser(
        f"facilitator.tehran@{DOMAIN}",
        R.FACILITATOR,
        "tehran",
        name_fa="رعنا شکیبا",
        name_en="Rana Shakiba",
        organization=TEHRAN_PROBLEM_FIRM,
    ),
    DemoUser(f"judge.qom@{DOMAIN}", R.JUDGE, "qom", name_fa="دکتر جواد امینی", name_en="Dr Javad Amini"),
    DemoUser(f"judge.tabriz@{DOMAIN}", R.JUDGE, "tabriz", name_fa="دکتر سیمین اصلانی", name_en="Dr Simin Aslani"),
    DemoUser(
        f"org.admin@{DOMAIN}",
        "org_admin",
        "qom",
        name_fa="پویا مقدم",
        name_en="Pouya Moghadam",
        organization=QOM_STARTUP,
    ),
    DemoUser(
        f"org.member@{DOMAIN}",
        "org_member",
        "tabriz",
        name_fa="ترانه رسولی",
        name_en="Taraneh Rasouli",
        organization=TABRIZ_COMPANY,
    ),
    DemoUser(f"citizen@{DOMAIN}", "citizen", name_fa="شهروند نمونه", name_en="Sample Citizen"),
]

ROLE_LABELS = {
    "admin": pgettext_lazy("label", "platform admin"),
    R.INNOVATION_MANAGER: pgettext_lazy("label", "innovation manager"),
    R.UNIT_STAFF: pgettext_lazy("label", "unit staff"),
    R.FACILITATOR: pgettext_lazy("label", "facilitator"),
    R.JUDGE: pgettext_lazy("label", "judge"),
    "org_admin": pgettext_lazy("label", "organization admin"),
    "org_member": pgettext_lazy("label", "organization member"),
    "citizen": pgettext_lazy("label", "citizen"),
}


def demo_accounts(
    *, only_existing: bool = False, organization_names: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """The demo accounts as (email, role, city) rows, role and city in the active language.

    Unit staff read "unit staff (<unit>)"; organization admins and members and the facilitator
    name their organization when `organization_names` ({slug: name}, given by the directory's demo
    step) has it. The password of every account is DEMO_PASSWORD. With `only_existing`, accounts
    missing from the database are left out.
    """
    specs = DEMO_USERS
    if only_existing:
        present = set(User.objects.filter(email__in=[u.email for u in DEMO_USERS]).values_list("email", flat=True))
        specs = [u for u in DEMO_USERS if u.email in present]
    cities = {c.slug: c for c in City.objects.filter(slug__in={u.city for u in DEMO_USERS if u.city})}
    units = {
        (u.city.slug, u.slug): u
        for u in Unit.objects.select_related("city").filter(
            city__slug__in=cities, slug__in={u.unit for u in DEMO_USERS}
        )
    }
    orgs = organization_names or {}
    rows = []
    for u in specs:
        role = str(ROLE_LABELS[u.role])
        unit = units.get((u.city, u.unit))
        if unit is not None:
            role = f"{role} ({unit.name})"
        org = orgs.get(u.organization)
        if org is not None:
            role = f"{role} · {org}"
        city = cities.get(u.city)
        rows.append((u.email, role, city.name if city else (u.city or "—")))
    return rows


def load(*, stdout) -> None:
    """Create the missing demo accounts and give them their city roles (idempotent)."""
    existing = {u.email: u for u in User.objects.filter(email__in=[u.email for u in DEMO_USERS])}
    cities = {c.slug: c for c in City.objects.all()}
    created = 0
    for spec in DEMO_USERS:
        user = existing.get(spec.email)
        if user is None:
            if spec.role == "admin":
                user = User.objects.create_superuser(
                    email=spec.email, password=DEMO_PASSWORD, display_name_fa=spec.name_fa, display_name_en=spec.name_en
                )
            else:
                user = services.user_register(
                    email=spec.email,
                    password=DEMO_PASSWORD,
                    display_name_fa=spec.name_fa,
                    display_name_en=spec.name_en,
                    preferred_language="fa",
                )
            created += 1
        if spec.role in CityRole.Role.values:
            city = cities[spec.city]
            unit = city.units.get(slug=spec.unit) if spec.unit else None
            if not CityRole.objects.filter(user=user, city=city, role=spec.role, unit=unit).exists():
                services.city_role_grant(user=user, city=city, role=spec.role, unit=unit)
    stdout.write(
        gettext("accounts: %(count)s demo accounts (%(new)s new), password “%(password)s”")
        % {"count": len(DEMO_USERS), "new": created, "password": DEMO_PASSWORD}
    )


def print_accounts(*, stdout, organization_names: Mapping[str, str] | None = None) -> None:
    """The table of the demo accounts that exist, with their password (printed by `hamafza demo`)."""
    rows = demo_accounts(only_existing=True, organization_names=organization_names)
    if not rows:
        return
    header = (pgettext("text", "email"), pgettext("text", "role"), pgettext("text", "city"))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
    stdout.write("")
    stdout.write(gettext("Demo accounts (password: %(password)s)") % {"password": DEMO_PASSWORD})
    stdout.write("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    stdout.write("  ".join("-" * w for w in widths))
    for row in rows:
        stdout.write("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
