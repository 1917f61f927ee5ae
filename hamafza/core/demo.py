"""Demo data of the core app: cities with their units, and the capability taxonomy.

Called by `hamafza demo` (see hamafza/core/management/commands/demo.py for the contract). Only
writes what differs from the data below, so a second run writes nothing (and adds no history).
"""

from django.utils.translation import gettext as _

from hamafza.core import services
from hamafza.core.models import City, Unit

# slug, Persian name, English name, province code
CITIES = [
    ("qom", "قم", "Qom", "Qom"),
    ("karaj", "کرج", "Karaj", "Alborz"),
    ("tabriz", "تبریز", "Tabriz", "East Azerbaijan"),
    ("tehran", "تهران", "Tehran", "Tehran"),
    ("isfahan", "اصفهان", "Isfahan", "Isfahan"),
    ("mashhad", "مشهد", "Mashhad", "Khorasan Razavi"),
    ("shiraz", "شیراز", "Shiraz", "Fars"),
]

# The units every demo city has: slug, kind, Persian and English name patterns.
UNITS = [
    ("waste", Unit.Kind.WASTE, "سازمان مدیریت پسماند شهرداری {fa}", "{en} Municipality Waste Management Organization"),
    (
        "transport",
        Unit.Kind.TRANSPORT,
        "سازمان حمل‌ونقل و ترافیک شهرداری {fa}",
        "{en} Municipality Transport and Traffic Organization",
    ),
    ("beautification", Unit.Kind.BEAUTIFICATION, "سازمان زیباسازی شهرداری {fa}", "{en} Beautification Organization"),
    (
        "ict",
        Unit.Kind.ICT,
        "سازمان فناوری اطلاعات و ارتباطات شهرداری {fa}",
        "{en} Municipality ICT Organization",
    ),
    ("innovation", Unit.Kind.INNOVATION, "مرکز نوآوری شهری {fa}", "{en} Urban Innovation Centre"),
    (
        "green-space",
        Unit.Kind.GREEN_SPACE,
        "سازمان پارک‌ها و فضای سبز شهرداری {fa}",
        "{en} Parks and Green Space Organization",
    ),
    (
        "fire",
        Unit.Kind.FIRE,
        "سازمان آتش‌نشانی و خدمات ایمنی شهرداری {fa}",
        "{en} Fire and Safety Services Organization",
    ),
]

# Where a city names a unit its own way.
UNIT_NAME_OVERRIDES = {
    ("tabriz", "innovation"): ("مرکز نوآوری و شهر هوشمند تبریز", "Tabriz Innovation and Smart City Centre"),
    ("karaj", "innovation"): ("خانه نوآوری شهری کرج", "Karaj Urban Innovation House"),
    ("tehran", "innovation"): ("مرکز نوآوری و توسعه فناوری شهرداری تهران", "Tehran Municipality Innovation Centre"),
    ("tehran", "transport"): ("معاونت حمل‌ونقل و ترافیک شهرداری تهران", "Tehran Transport and Traffic Deputy"),
    ("qom", "waste"): ("سازمان مدیریت پسماند شهرداری قم", "Qom Waste Management Organization"),
}


def load(*, stdout) -> None:
    """Create or update the demo cities and their units, then load the taxonomy (each idempotent)."""
    n_cities = n_units = 0
    for slug, name_fa, name_en, province in CITIES:
        city = City.objects.filter(slug=slug).first()
        if city is None or (city.name_fa, city.name_en, city.province) != (name_fa, name_en, province):
            city = services.city_create(slug=slug, name_fa=name_fa, name_en=name_en, province=province)
        n_cities += 1
        existing = {u.slug: u for u in city.units.all()}
        for unit_slug, kind, pattern_fa, pattern_en in UNITS:
            unit_fa, unit_en = UNIT_NAME_OVERRIDES.get(
                (slug, unit_slug), (pattern_fa.format(fa=name_fa), pattern_en.format(en=name_en))
            )
            unit = existing.get(unit_slug)
            if unit is None or (unit.kind, unit.name_fa, unit.name_en) != (kind, unit_fa, unit_en):
                services.unit_create(city=city, slug=unit_slug, kind=kind, name_fa=unit_fa, name_en=unit_en)
            n_units += 1

    # The taxonomy file is the reference; skip the load when the database already holds every
    # domain and capability of it unchanged, so that a second run adds no history rows.
    data = services.taxonomy_read()
    wanted = _taxonomy_entries(data)
    if wanted.items() <= _taxonomy_entries(services.taxonomy_as_dict()).items():
        n_dom = len(data["domains"])
        n_cap = sum(len(d.get("capabilities", [])) for d in data["domains"])
    else:
        n_dom, n_cap = services.taxonomy_load(data=data)
    stdout.write(
        _("core: %(cities)s cities, %(units)s units, taxonomy of %(domains)s domains and %(capabilities)s capabilities")
        % {"cities": n_cities, "units": n_units, "domains": n_dom, "capabilities": n_cap}
    )


def _taxonomy_entries(data: dict) -> dict:
    """Every domain (with its position) and capability (with its domain) of taxonomy data, by code."""
    entries = {}
    for position, d in enumerate(data["domains"]):
        entries[("domain", d["code"])] = (position, d["name_fa"], d["name_en"])
        for c in d.get("capabilities", []):
            entries[("capability", c["code"])] = (
                d["code"],
                c["name_fa"],
                c["name_en"],
                tuple(c.get("synonyms_fa") or ()),
                tuple(c.get("synonyms_en") or ()),
            )
    return entries
