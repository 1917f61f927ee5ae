"""Writes for cities, units and the taxonomy."""

import json
from pathlib import Path

from django.db import transaction

from hamafza.core.models import Capability, City, Domain, Unit

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def save_validated(obj, by):
    """Validate `obj` (``full_clean``) and save it, with `by` as the author of its history row."""
    obj._history_user = by
    obj.full_clean()
    obj.save()
    return obj


def taxonomy_read(path: Path | None = None) -> dict:
    with open(path or TAXONOMY_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def taxonomy_load(*, data: dict | None = None) -> tuple[int, int]:
    """Create or update domains and capabilities from the taxonomy data (idempotent, by code).

    Capabilities edited in the admin keep their edits unless the data file changes the same field.
    Returns (domains, capabilities) counts.
    """
    data = data or taxonomy_read()
    n_dom = n_cap = 0
    for position, d in enumerate(data["domains"]):
        domain, _ = Domain.objects.update_or_create(
            code=d["code"], defaults={"name_fa": d["name_fa"], "name_en": d["name_en"], "position": position}
        )
        n_dom += 1
        for c in d.get("capabilities", []):
            cap = Capability.objects.filter(code=c["code"]).first() or Capability(code=c["code"])
            cap.domain = domain
            cap.name_fa = c["name_fa"]
            cap.name_en = c["name_en"]
            cap.synonyms_fa = list(c.get("synonyms_fa", []))
            cap.synonyms_en = list(c.get("synonyms_en", []))
            cap.save()
            n_cap += 1
    return n_dom, n_cap


def taxonomy_as_dict() -> dict:
    """The taxonomy as stored in the database, in the data file's shape (for the matching engine)."""
    domains = []
    for domain in Domain.objects.prefetch_related("capabilities").order_by("position", "code"):
        domains.append(
            {
                "code": domain.code,
                "name_fa": domain.name_fa,
                "name_en": domain.name_en,
                "capabilities": [
                    {
                        "code": c.code,
                        "name_fa": c.name_fa,
                        "name_en": c.name_en,
                        "synonyms_fa": list(c.synonyms_fa or []),
                        "synonyms_en": list(c.synonyms_en or []),
                    }
                    for c in domain.capabilities.all()
                ],
            }
        )
    return {"domains": domains}


@transaction.atomic
def city_create(*, slug: str, name_fa: str, name_en: str, province: str) -> City:
    city, _ = City.objects.update_or_create(
        slug=slug, defaults={"name_fa": name_fa, "name_en": name_en, "province": province}
    )
    return city


@transaction.atomic
def unit_create(*, city: City, slug: str, kind: str, name_fa: str, name_en: str = "") -> Unit:
    unit, _ = Unit.objects.update_or_create(
        city=city, slug=slug, defaults={"kind": kind, "name_fa": name_fa, "name_en": name_en}
    )
    return unit
