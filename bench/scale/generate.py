"""Generate the national-scale volume of issue 19 in PostgreSQL with COPY (run by bench/scale_run.py
inside a Django process with the production settings and DATABASE_URL set to the bench database).

    100 cities with units, 100,000 organizations (~219k capability links, memberships, certificates),
    50,000 calls in every state (~2,000 open; Tehran ~5,000), 80,000 needs, 500,000 proposals,
    5,000 panels with judges, ~420,000 scores, follows, questions and answers, results, missions
    and consortia, and one account per role (see ACCOUNTS).

`--scale 0.02` makes a proportionally smaller volume (the smoke run). The volume is deterministic
for a seed and a day (timestamps are relative to the day of generation, so that open calls are
still open when the benchmark reads them). History tables stay empty. The database must be fresh
(migrated, taxonomy loaded, nothing else): bench/scale_run.py creates it.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import json
import math
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection

from hamafza.core.text import fold

from . import vocab
from .copier import Copier

GENERATOR_VERSION = 1
PASSWORD = "hamafza-scale"  # noqa: S105 - the benchmark's accounts, on a local benchmark database only
DOMAIN = "scale.hamafza.ir"
CITY_EXPONENT = 0.72  # calls, needs and organizations per city ~ 1 / rank ** CITY_EXPONENT (Tehran ~10 %)

# One account per role the benchmark measures (email local part -> role).
ACCOUNTS = {
    "admin": "platform admin",
    "manager.tehran": "innovation manager of Tehran (the biggest city)",
    "staff.tehran": "unit staff of Tehran's transport and traffic organization",
    "facilitator.tehran": "facilitator in Tehran (admin of a problem-definition firm, assigned to calls)",
    "judge.tehran": "judge in Tehran, on about 15 panels (a queue)",
    "org.admin": "admin of a Tehran startup with about 40 proposals",
    "org.member": "member of a knowledge-based company with about 10 proposals",
    "citizen": "citizen with reports, follows and notifications",
}

STATE_WEIGHTS = {
    "draft": 0.02,
    "in_definition": 0.03,
    "ready": 0.01,
    "published": 0.043,
    "closed": 0.14,
    "in_evaluation": 0.10,
    "results_published": 0.607,
    "cancelled": 0.05,
}
PUBLIC_STATES = ("published", "closed", "in_evaluation", "results_published")
KIND_WEIGHTS = {
    "startup": 0.35,
    "knowledge_based_company": 0.25,
    "sme": 0.20,
    "university": 0.05,
    "research_center": 0.04,
    "incubator": 0.03,
    "accelerator": 0.02,
    "science_park": 0.02,
    "problem_definition_firm": 0.04,
}
N_CAPS_WEIGHTS = {1: 0.30, 2: 0.35, 3: 0.22, 4: 0.10, 5: 0.03}


@dataclass
class Volume:
    cities: int
    organizations: int
    calls: int
    needs: int
    proposals: int
    citizens: int
    follows: int
    questions: int
    missions: int
    people: int
    showcase_proposals: int

    @classmethod
    def for_scale(cls, scale: float) -> Volume:
        def n(value):
            return max(1, round(value * scale))

        return cls(
            cities=min(100, max(8, round(100 * math.sqrt(scale)))),
            organizations=n(100_000),
            calls=n(50_000),
            needs=n(80_000),
            proposals=n(500_000),
            citizens=n(20_000),
            follows=n(200_000),
            questions=n(30_000),
            missions=n(1_000),
            people=n(5_000),
            showcase_proposals=300 if scale >= 0.5 else 60,
        )


@dataclass
class Ctx:
    """What later steps need from earlier ones (ids only; rows are written as they are made)."""

    cities: list[dict] = field(default_factory=list)
    units_by_city: dict[int, list[dict]] = field(default_factory=dict)
    users: list[dict] = field(default_factory=list)
    account_ids: dict[str, int] = field(default_factory=dict)
    manager_of_city: dict[int, int] = field(default_factory=dict)
    staff_of_unit: dict[int, int] = field(default_factory=dict)
    judges_of_city: dict[int, list[int]] = field(default_factory=dict)
    facilitators_of_city: dict[int, list[int]] = field(default_factory=dict)
    citizen_ids: list[int] = field(default_factory=list)
    orgs: list[dict] = field(default_factory=list)
    org_users: dict[int, list[int]] = field(default_factory=dict)
    calls: list[dict] = field(default_factory=list)
    targets: dict = field(default_factory=dict)


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _messy_mode(rng: random.Random):
    """Persian text as real input arrives: sometimes Arabic ي/ك, sometimes without half-spaces."""
    r = rng.random()
    if r < 0.08:
        return lambda text: text.replace("ی", "ي").replace("ک", "ك")
    if r < 0.16:
        return lambda text: text.replace("\u200c", " ")
    return None


class Generator:
    def __init__(self, *, scale: float, seed: int, log=print):
        self.scale = scale
        self.seed = seed
        self.volume = Volume.for_scale(scale)
        self.rng = random.Random(seed)
        self.log = log
        today = datetime.datetime.now(datetime.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.now = today
        self.copier = Copier(today, log=log)
        self.ctx = Ctx()
        self.password = make_password(PASSWORD, salt="hamafzascalebench")
        self._fold = functools.lru_cache(maxsize=1_000_000)(fold)
        self._checks = 0
        self._org_text_from_model = False

    # ----------------------------------------------------------------------------------------
    def run(self) -> dict:
        from hamafza.core.models import Capability, Domain

        started = time.monotonic()
        self.domains = {d.code: d for d in Domain.objects.all()}
        self.caps = list(Capability.objects.select_related("domain").order_by("pk"))
        if not self.caps:
            raise SystemExit("the taxonomy is not loaded (run load_taxonomy first)")
        self.caps_by_domain: dict[str, list] = {}
        for cap in self.caps:
            self.caps_by_domain.setdefault(cap.domain.code, []).append(cap)
        self.cap_by_id = {c.pk: c for c in self.caps}
        self._cities_units()
        self._plan_calls()
        self._users()
        self._organizations()
        self._people()
        self._needs()
        self._calls()
        self._follows_questions_notifications()
        self._proposals()
        self._panels()
        self._results()
        self._missions()
        self._reset_sequences()
        self.log(f"generated in {time.monotonic() - started:.0f} s")
        return {
            "counts": self.copier.counts,
            "targets": self.ctx.targets,
            "seconds": round(time.monotonic() - started, 1),
        }

    # ----------------------------------------------------------------------------------------
    # Texts
    # ----------------------------------------------------------------------------------------
    def _syn_fa(self, cap, k=3):
        words = cap.synonyms_fa or [cap.name_fa]
        return [self.rng.choice(words) for _ in range(k)]

    def _syn_en(self, cap, k=3):
        words = cap.synonyms_en or [cap.name_en]
        return [self.rng.choice(words) for _ in range(k)]

    def _fill_fa(self, frame, cap, **extra):
        s1, s2, s3 = self._syn_fa(cap)
        return frame.format(cap=cap.name_fa, s1=s1, s2=s2, s3=s3, **extra)

    def _fill_en(self, frame, cap, **extra):
        s1, s2, s3 = self._syn_en(cap)
        return frame.format(cap=cap.name_en, s1=s1, s2=s2, s3=s3, **extra)

    def _para(self, frames, caps, count, *, lang="fa", messy=True, **extra) -> tuple[str, str]:
        """(text, its fold) of `count` sentences. The fold is assembled from the folds of the
        sentences (memoised: sentences repeat), which equals fold(text) because sentences have no
        spaces or half-spaces at their ends (checked on a sample by _search)."""
        fill = self._fill_fa if lang == "fa" else self._fill_en
        sentences = [fill(self.rng.choice(frames), self.rng.choice(caps), **extra) for _ in range(count)]
        mode = _messy_mode(self.rng) if messy and lang == "fa" else None
        if mode is not None:
            sentences = [mode(s) for s in sentences]
        return " ".join(sentences), " ".join(self._fold(s) for s in sentences)

    def _org_search_text(self, org, desc_fa, desc_en) -> str:
        """The organization's search text as its model builds it (compared with the model's own
        build_search_text on a sample; a difference switches to the model's method)."""
        if self._org_text_from_model:
            return org.build_search_text()
        text = self._search(org.name, org.name_en, org.city_name, org.province, desc_fa, desc_en)
        if self._checks % 997 == 1 and text != org.build_search_text():
            self.log("  Organization.build_search_text changed: using it (slower)")
            self._org_text_from_model = True
            return org.build_search_text()
        return text

    def _search(self, *parts) -> str:
        """fold(" ".join(texts)) for parts that are texts or (text, fold) pairs."""
        texts, folds = [], []
        for part in parts:
            text, folded = part if isinstance(part, tuple) else (part, None)
            if not text:
                continue
            texts.append(text)
            folds.append(folded if folded is not None else self._fold(text))
        result = " ".join(folds)
        self._checks += 1
        if self._checks % 499 == 1 and result != fold(" ".join(texts)):
            raise AssertionError(f"assembled fold differs from fold() for {texts!r}")
        return result

    def _ago(self, days_min, days_max):
        return self.now - datetime.timedelta(seconds=self.rng.uniform(days_min * 86400, days_max * 86400))

    # ----------------------------------------------------------------------------------------
    # Cities and units
    # ----------------------------------------------------------------------------------------
    def _cities_units(self):
        from hamafza.core.models import City, Unit

        ctx = self.ctx
        for i, (slug, fa, en, province) in enumerate(vocab.CITIES[: self.volume.cities], start=1):
            ctx.cities.append(
                {
                    "id": i,
                    "slug": slug,
                    "name_fa": fa,
                    "name_en": en,
                    "province": province,
                    "is_active": True,
                    "created_at": self._ago(700, 900),
                    "weight": 1 / i**CITY_EXPONENT,
                }
            )
        self.copier.copy(City, ({k: v for k, v in c.items() if k != "weight"} for c in ctx.cities))
        units = []
        unit_id = 0
        kinds = list(vocab.UNITS)
        for city in ctx.cities:
            n = len(kinds) if city["id"] <= 20 else self.rng.randint(5, 7)
            chosen = kinds[:2] + self.rng.sample(kinds[2:], n - 2)
            ctx.units_by_city[city["id"]] = []
            for kind in chosen:
                unit_id += 1
                fa, en, domains = vocab.UNITS[kind]
                unit = {"id": unit_id, "city_id": city["id"], "slug": kind.replace("_", "-"), "kind": kind}
                unit.update({"name_fa": fa, "name_en": en})
                units.append(unit)
                ctx.units_by_city[city["id"]].append({**unit, "domains": domains})
        self.copier.copy(Unit, units)
        self.city_weights = list(itertools.accumulate(c["weight"] for c in ctx.cities))

    def _pick_city(self):
        return self.ctx.cities[bisect.bisect(self.city_weights, self.rng.random() * self.city_weights[-1])]

    # ----------------------------------------------------------------------------------------
    # Calls: planned first (users and panels depend on their cities and states)
    # ----------------------------------------------------------------------------------------
    def _caps_for_unit(self, unit, k):
        domain = self.rng.choice(unit["domains"])
        pool = self.caps_by_domain.get(domain) or self.caps
        caps = self.rng.sample(pool, min(k, len(pool)))
        if self.rng.random() < 0.3:
            caps.append(self.rng.choice(self.caps))
        return domain, list({c.pk: c for c in caps}.values())

    def _plan_calls(self):
        ctx = self.ctx
        for i in range(1, self.volume.calls + 1):
            city = self._pick_city()
            unit = self.rng.choice(ctx.units_by_city[city["id"]])
            state = _weighted(self.rng, STATE_WEIGHTS)
            domain, caps = self._caps_for_unit(unit, self.rng.choice((1, 2, 2, 3)))
            created = self._ago(20, 1000) if state not in ("draft", "in_definition") else self._ago(1, 120)
            call = {
                "id": i,
                "city_id": city["id"],
                "city": city,
                "unit": unit,
                "state": state,
                "domain": domain,
                "caps": caps,
                "created_at": created,
                "call_type": _weighted(self.rng, {"open": 0.8, "invited": 0.08, "rfp": 0.12}),
            }
            ctx.calls.append(call)
        self.calls_by_state: dict[str, list[dict]] = {}
        for call in ctx.calls:
            self.calls_by_state.setdefault(call["state"], []).append(call)

    # ----------------------------------------------------------------------------------------
    # Users and city roles
    # ----------------------------------------------------------------------------------------
    def _new_user(self, email, *, name_fa="", name_en="", superuser=False, joined=None):
        user = {
            "id": len(self.ctx.users) + 1,
            "password": self.password,
            "last_login": None,
            "is_superuser": superuser,
            "email": email,
            "display_name_fa": name_fa,
            "display_name_en": name_en,
            "preferred_language": "en" if self.rng.random() < 0.1 else "fa",
            "is_active": True,
            "is_staff": superuser,
            "date_joined": joined or self._ago(30, 900),
        }
        self.ctx.users.append(user)
        return user["id"]

    def _person_name(self):
        i, j = self.rng.randrange(len(vocab.PEOPLE_FIRST_EN)), self.rng.randrange(len(vocab.PEOPLE_LAST_EN))
        return (
            f"{vocab.PEOPLE_FIRST[i]} {vocab.PEOPLE_LAST[j]}",
            f"{vocab.PEOPLE_FIRST_EN[i]} {vocab.PEOPLE_LAST_EN[j]}",
        )

    def _users(self):
        from hamafza.accounts.models import CityRole, User

        ctx = self.ctx
        for local in ACCOUNTS:
            fa, en = self._person_name()
            ctx.account_ids[local] = self._new_user(
                f"{local}@{DOMAIN}", name_fa=fa, name_en=en, superuser=local == "admin", joined=self._ago(800, 900)
            )
        tehran = ctx.cities[0]
        roles = []

        def role(user_id, city_id, name, unit_id=None):
            roles.append(
                {"user_id": user_id, "city_id": city_id, "role": name, "unit_id": unit_id, "created_at": self.now}
            )

        panels_per_city: dict[int, int] = {}
        for call in self.calls_by_state.get("in_evaluation", []):
            panels_per_city[call["city_id"]] = panels_per_city.get(call["city_id"], 0) + 1
        for city in ctx.cities:
            cid = city["id"]
            if cid == tehran["id"]:
                manager = ctx.account_ids["manager.tehran"]
            else:
                manager = self._new_user(f"manager.{city['slug']}@{DOMAIN}", name_fa=self._person_name()[0])
            ctx.manager_of_city[cid] = manager
            role(manager, cid, CityRole.Role.INNOVATION_MANAGER)
            for unit in ctx.units_by_city[cid]:
                if cid == tehran["id"] and unit["kind"] == "transport":
                    staff = ctx.account_ids["staff.tehran"]
                else:
                    staff = self._new_user(f"staff.{city['slug']}.{unit['slug']}@{DOMAIN}")
                ctx.staff_of_unit[unit["id"]] = staff
                role(staff, cid, CityRole.Role.UNIT_STAFF, unit["id"])
            n_fac = 3 if cid <= 20 else 1
            facs = [ctx.account_ids["facilitator.tehran"]] if cid == tehran["id"] else []
            while len(facs) < n_fac:
                facs.append(self._new_user(f"facilitator{len(facs)}.{city['slug']}@{DOMAIN}"))
            ctx.facilitators_of_city[cid] = facs
            for f in facs:
                role(f, cid, CityRole.Role.FACILITATOR)
            # about 12 panels per judge, three judges per panel
            n_judges = max(3, math.ceil(panels_per_city.get(cid, 0) * 3 / 12))
            judges = [ctx.account_ids["judge.tehran"]] if cid == tehran["id"] else []
            while len(judges) < n_judges:
                judges.append(self._new_user(f"judge{len(judges)}.{city['slug']}@{DOMAIN}"))
            ctx.judges_of_city[cid] = judges
            for j in judges:
                role(j, cid, CityRole.Role.JUDGE)
        ctx.citizen_ids = [ctx.account_ids["citizen"]]
        for n in range(self.volume.citizens - 1):
            ctx.citizen_ids.append(self._new_user(f"citizen{n}@{DOMAIN}"))
        self.n_role_users = len(ctx.users)
        self._role_rows = roles
        self._user_model = User
        self._cityrole_model = CityRole

    # ----------------------------------------------------------------------------------------
    # Organizations, capabilities, memberships
    # ----------------------------------------------------------------------------------------
    def _organizations(self):
        from hamafza.directory.models import Organization, OrganizationMembership

        ctx = self.ctx
        rng = self.rng
        cap_links = []
        memberships = []
        slugs = {c["slug"]: c for c in ctx.cities}
        for i in range(1, self.volume.organizations + 1):
            kind = _weighted(rng, KIND_WEIGHTS)
            if rng.random() < 0.85:
                city = self._pick_city()
                city_id, city_fa, city_en, province = city["id"], city["name_fa"], city["name_en"], city["province"]
            else:
                city_fa, city_en, province = rng.choice(vocab.OTHER_TOWNS)
                city_id = None
            n_caps = _weighted(rng, N_CAPS_WEIGHTS)
            domain = rng.choice(list(self.caps_by_domain))
            caps = rng.sample(self.caps_by_domain[domain], min(n_caps, len(self.caps_by_domain[domain])))
            while len(caps) < n_caps:
                extra = rng.choice(self.caps)
                if extra not in caps:
                    caps.append(extra)
            main = caps[0]
            short_fa = (main.synonyms_fa or [main.name_fa])[0]
            short_en = (main.synonyms_en or [main.name_en])[0].title()
            name = " ".join(
                part
                for part in (
                    vocab.ORG_PREFIX_FA[kind],
                    rng.choice(vocab.ORG_NAME_HEADS_FA),
                    short_fa,
                    rng.choice(vocab.ORG_NAME_TAILS_FA),
                )
                if part
            )
            name_en = (
                f"{rng.choice(vocab.ORG_NAME_HEADS_EN)} {short_en} {rng.choice(vocab.ORG_NAME_TAILS_EN)}"
                if rng.random() < 0.7
                else ""
            )
            founded = rng.randint(1975, 2025) if kind in ("university", "research_center") else rng.randint(2005, 2025)
            employees = int(min(5000, rng.paretovariate(1.2) * 4))
            unit_word = rng.choice(list(vocab.UNITS.values()))
            extra = {"name": name, "city": city_fa, "year": founded, "n": employees, "unit": unit_word[0]}
            lang = rng.random()
            desc_fa = self._para(vocab.ORG_FRAMES_FA, caps, rng.randint(3, 6), **extra)
            desc_en = self._para(
                vocab.ORG_FRAMES_EN,
                caps,
                rng.randint(3, 5),
                lang="en",
                **{**extra, "name": name_en or "The company", "city": city_en, "unit": unit_word[1]},
            )
            if lang < 0.45:
                desc_en = ("", "")
            elif lang < 0.6:
                desc_fa = ("", "")
            knowledge_based = kind == "knowledge_based_company" or (kind == "startup" and rng.random() < 0.2)
            cert = {}
            if knowledge_based:
                start = (self.now - datetime.timedelta(days=rng.randint(30, 1500))).date()
                cert = {
                    "certificate_number": f"KB-{1400 + rng.randint(0, 4)}-{i:06d}",
                    "certificate_valid_from": start,
                    "certificate_valid_until": start + datetime.timedelta(days=rng.choice((730, 1095, 1095, 1460))),
                }
            verified = rng.random() < 0.6
            created = self._ago(10, 1500)
            org = Organization(
                slug=f"org-{i:06d}",
                name=name,
                name_en=name_en,
                kind=kind,
                province=province,
                city_name=city_fa if rng.random() < 0.8 else city_en,
                description_fa=desc_fa[0],
                description_en=desc_en[0],
            )
            row = {
                "id": i,
                "slug": org.slug,
                "name": name,
                "name_en": name_en,
                "kind": kind,
                "province": province,
                "city_name": org.city_name,
                "city_id": city_id,
                "employees": employees,
                "founded": founded,
                "description_fa": desc_fa[0],
                "description_en": desc_en[0],
                "website": f"https://{org.slug}.example.ir" if rng.random() < 0.5 else "",
                "knowledge_based": knowledge_based,
                "certificate_number": cert.get("certificate_number", ""),
                "certificate_valid_from": cert.get("certificate_valid_from"),
                "certificate_valid_until": cert.get("certificate_valid_until"),
                "verified": verified,
                "verified_at": created + datetime.timedelta(days=3) if verified else None,
                "search_text": self._org_search_text(org, desc_fa, desc_en),
                "sort_name": org.build_sort_name(),
                "sort_name_en": org.build_sort_name_en(),
                "created_at": created,
                "updated_at": created,
            }
            ctx.orgs.append(
                {
                    "id": i,
                    "kind": kind,
                    "province": province,
                    "city_id": city_id,
                    "kb": knowledge_based,
                    "name": name,
                    "caps": [c.pk for c in caps],
                    "row": row,
                }
            )
            for cap in caps:
                cap_links.append({"organization_id": i, "capability_id": cap.pk})
        # the accounts' organizations: a Tehran startup, a knowledge-based company, a problem-definition firm
        tehran = ctx.cities[0]
        startup = next(o for o in ctx.orgs if o["kind"] == "startup" and o["city_id"] == tehran["id"])
        company = next(o for o in ctx.orgs if o["kind"] == "knowledge_based_company" and o["id"] != startup["id"])
        firm = next(o for o in ctx.orgs if o["kind"] == "problem_definition_firm" and o["city_id"] == tehran["id"])
        ctx.targets.update({"org_admin_org": startup["row"]["slug"], "member_org": company["row"]["slug"]})
        self.special_orgs = {"org.admin": startup["id"], "org.member": company["id"]}
        fixed = {
            startup["id"]: [(ctx.account_ids["org.admin"], "admin")],
            company["id"]: [(ctx.account_ids["org.member"], "member")],
            firm["id"]: [(ctx.account_ids["facilitator.tehran"], "admin")],
        }
        for org in ctx.orgs:
            members = list(fixed.get(org["id"], []))
            if not any(r == "admin" for _u, r in members):
                members.append((self._new_user(f"admin.{org['row']['slug']}@{DOMAIN}"), "admin"))
            if self.rng.random() < 0.3:
                members.append((self._new_user(f"member.{org['row']['slug']}@{DOMAIN}"), "member"))
            ctx.org_users[org["id"]] = [u for u, _r in members]
            for user_id, member_role in members:
                memberships.append(
                    {
                        "organization_id": org["id"],
                        "user_id": user_id,
                        "role": member_role,
                        "created_at": org["row"]["created_at"],
                    }
                )
        # Users first (every later row refers to them), then the organizations.
        self.copier.copy(self._user_model, ctx.users)
        self.copier.copy(self._cityrole_model, self._role_rows)
        self.copier.copy(Organization, (o["row"] for o in ctx.orgs))
        self.copier.copy(Organization.capabilities.through, cap_links)
        self.copier.copy(OrganizationMembership, memberships)
        for org in ctx.orgs:
            org.pop("row")
        self.orgs_by_province: dict[str, list[dict]] = {}
        for org in ctx.orgs:
            self.orgs_by_province.setdefault(org["province"], []).append(org)
        # Popularity: a few organizations apply to many calls.
        self.org_weights = list(itertools.accumulate(min(60.0, self.rng.paretovariate(1.3)) for _ in ctx.orgs))
        del slugs

    def _people(self):
        from hamafza.directory.models import Person

        rows, links = [], []
        for i in range(1, self.volume.people + 1):
            fa, _en = self._person_name()
            org = self.rng.choice(self.ctx.orgs) if self.rng.random() < 0.6 else None
            cap = self.rng.choice(self.caps)
            rows.append(
                {
                    "id": i,
                    "slug": f"person-{i:05d}",
                    "user_id": None,
                    "name": fa,
                    "kind": self.rng.choice(["student", "professor", "researcher", "idea_owner"]),
                    "affiliation_id": org["id"] if org else None,
                    "province": org["province"] if org else self.rng.choice(vocab.CITIES)[3],
                    "city_name": "",
                    "bio": self._fill_fa("پژوهشگر در زمینه {cap} با تمرکز بر {s1}.", cap),
                    "created_at": self._ago(10, 900),
                }
            )
            links.append({"person_id": i, "capability_id": cap.pk})
        self.copier.copy(Person, rows)
        self.copier.copy(Person.capabilities.through, links)

    # ----------------------------------------------------------------------------------------
    # Needs
    # ----------------------------------------------------------------------------------------
    def _needs(self):
        from hamafza.challenges.models import Need

        ctx = self.ctx
        rng = self.rng
        statuses = {
            "draft": 0.05,
            "moderation": 0.03,
            "submitted": 0.15,
            "accepted": 0.50,
            "rejected": 0.22,
            "merged": 0.05,
        }
        rows, links = [], []
        self.accepted_needs_by_unit: dict[int, list[int]] = {}
        citizen = ctx.account_ids["citizen"]
        for i in range(1, self.volume.needs + 1):
            city = self._pick_city()
            unit = rng.choice(ctx.units_by_city[city["id"]])
            source = "citizen" if rng.random() < 0.25 else "unit"
            status = _weighted(rng, statuses)
            if source == "unit" and status == "moderation":
                status = "submitted"
            domain, caps = self._caps_for_unit(unit, rng.choice((1, 2, 3)))
            if source == "citizen":
                # the citizen account reports about a dozen problems
                mine = rng.random() < 12 / (self.volume.needs * 0.25)
                submitter = citizen if mine else rng.choice(ctx.citizen_ids)
            else:
                submitter = ctx.staff_of_unit[unit["id"]]
            created = self._ago(1, 1000)
            extra = {"city": city["name_fa"], "unit": unit["name_fa"]}
            title = self._fill_fa(rng.choice(vocab.NEED_TITLES_FA), caps[0], **extra)
            description = self._para(vocab.NEED_FRAMES_FA, caps, rng.randint(2, 5), **extra)
            rows.append(
                {
                    "id": i,
                    "city_id": city["id"],
                    "unit_id": unit["id"] if source == "unit" or rng.random() < 0.5 else None,
                    "source": source,
                    "status": status,
                    "title": title,
                    "description": description[0],
                    "domain_id": self.domains[domain].pk,
                    "urgency": rng.choice(["low", "medium", "medium", "high", "critical"]),
                    "affected_people": rng.randint(100, 500_000) if rng.random() < 0.6 else None,
                    "location": rng.choice(["منطقه ۱", "منطقه ۶", "منطقه ۱۲", "بافت فرسوده", ""]),
                    "submitted_by_id": submitter,
                    "submitted_at": None if status == "draft" else created + datetime.timedelta(hours=2),
                    "rejection_reason": "با اولویت‌های امسال همخوانی ندارد." if status == "rejected" else "",
                    "merged_into_id": None,
                    "search_text": self._search(title, description),
                    "created_at": created,
                    "updated_at": created + datetime.timedelta(days=rng.randint(0, 20)),
                }
            )
            for cap in caps:
                links.append({"need_id": i, "capability_id": cap.pk})
            if status == "accepted":
                self.accepted_needs_by_unit.setdefault(unit["id"], []).append(i)
        # merged needs point to an earlier accepted need of the same city
        accepted_by_city: dict[int, list[int]] = {}
        for row in rows:
            if row["status"] == "accepted":
                accepted_by_city.setdefault(row["city_id"], []).append(row["id"])
            elif row["status"] == "merged" and accepted_by_city.get(row["city_id"]):
                row["merged_into_id"] = rng.choice(accepted_by_city[row["city_id"]])
        self.copier.copy(Need, rows)
        self.copier.copy(Need.capabilities.through, links)

    # ----------------------------------------------------------------------------------------
    # Calls, canvases, criteria, transitions, invitations, facilitators
    # ----------------------------------------------------------------------------------------
    def _call_times(self, call):
        rng = self.rng
        state = call["state"]
        created = call["created_at"]
        t = {"opens_at": None, "closes_at": None, "published_at": None, "closed_at": None}
        t["results_published_at"] = None
        if state == "published":
            published = self._ago(2, 60)
            t["published_at"] = published
            t["opens_at"] = published if rng.random() < 0.93 else self.now + datetime.timedelta(days=rng.randint(2, 20))
            t["closes_at"] = self.now + datetime.timedelta(days=rng.randint(25, 120), hours=rng.randint(0, 23))
        elif state in ("closed", "in_evaluation", "results_published") or (state == "cancelled" and rng.random() < 0.5):
            published = created + datetime.timedelta(days=rng.randint(10, 60))
            closes = published + datetime.timedelta(days=rng.randint(20, 90))
            if closes >= self.now:
                closes = self.now - datetime.timedelta(days=rng.randint(1, 10))
                published = min(published, closes - datetime.timedelta(days=20))
            t.update(published_at=published, opens_at=published, closes_at=closes)
            if state != "cancelled":
                t["closed_at"] = closes
            if state == "results_published":
                t["results_published_at"] = min(self.now, closes + datetime.timedelta(days=rng.randint(20, 90)))
        elif state == "ready" and rng.random() < 0.5:
            t["closes_at"] = self.now + datetime.timedelta(days=rng.randint(40, 120))
        return t

    def _criteria(self):
        names = ["نوآوری راهکار", "امکان‌پذیری فنی", "هزینه و بودجه", "تجربه تیم", "اثر بر شهروندان"]
        chosen = self.rng.sample(names, self.rng.choice((3, 4, 4, 5)))
        weights = [100 // len(chosen)] * len(chosen)
        weights[0] += 100 - sum(weights)
        return [{"name": n, "weight": w} for n, w in zip(chosen, weights, strict=True)]

    def _calls(self):
        from hamafza.challenges.models import Call, CallTransition, Canvas, EvaluationCriterion

        ctx = self.ctx
        rng = self.rng
        call_rows, canvas_rows, criteria_rows, transition_rows = [], [], [], []
        cap_links, invited_links, facilitator_links = [], [], []
        path = ["draft", "in_definition", "ready", "published", "closed", "in_evaluation", "results_published"]
        provinces = sorted({c[3] for c in vocab.CITIES})
        for call in ctx.calls:
            city, unit, state = call["city"], call["unit"], call["state"]
            caps = call["caps"]
            times = self._call_times(call)
            call.update(times)
            extra = {"city": city["name_fa"], "unit": unit["name_fa"]}
            title = self._fill_fa(rng.choice(vocab.CALL_TITLES_FA), caps[0], **extra)[:200]
            description = self._para(vocab.CALL_FRAMES_FA, caps, rng.randint(3, 6), **extra)
            eligibility = {"allowed_provinces": [], "allowed_kinds": [], "knowledge_based_required": False}
            r = rng.random()
            if r < 0.2:
                eligibility["allowed_provinces"] = sorted({city["province"], *rng.sample(provinces, rng.randint(0, 2))})
            if rng.random() < 0.15:
                eligibility["allowed_kinds"] = sorted(
                    {"startup", "knowledge_based_company", *rng.sample(list(KIND_WEIGHTS), 1)}
                )
            if rng.random() < 0.1:
                eligibility["knowledge_based_required"] = True
            call["eligibility"] = eligibility
            need_ids = self.accepted_needs_by_unit.get(unit["id"])
            need_id = need_ids.pop() if need_ids and state != "draft" else None
            manager = ctx.manager_of_city[city["id"]]
            updated = max(
                [t for t in (call["created_at"], times["published_at"], times["closed_at"]) if t and t <= self.now]
            )
            call["updated_at"] = updated
            call_rows.append(
                {
                    "id": call["id"],
                    "city_id": city["id"],
                    "unit_id": unit["id"],
                    "need_id": need_id,
                    "title": title,
                    "description": description[0],
                    "domain_id": self.domains[call["domain"]].pk,
                    "call_type": call["call_type"],
                    "state": state,
                    **times,
                    **eligibility,
                    "cancel_reason": "بودجه این فراخوان تأمین نشد." if state == "cancelled" else "",
                    "created_by_id": manager,
                    "search_text": self._search(title, description),
                    "created_at": call["created_at"],
                    "updated_at": updated,
                }
            )
            call["title"] = title
            for cap in caps:
                cap_links.append({"call_id": call["id"], "capability_id": cap.pk})
            criteria = self._criteria() if state != "draft" else []
            call["criteria"] = criteria
            budget_min = rng.choice((5, 10, 20, 50, 100)) * 100_000_000
            canvas_rows.append(
                {
                    "id": call["id"],
                    "call_id": call["id"],
                    "background": self._para(vocab.CALL_FRAMES_FA, caps, 2, **extra)[0],
                    "affected": "شهروندان و کسبه مناطق مرکزی",
                    "kpi_name": self._fill_fa("کاهش {s1}", caps[0]) if state != "draft" else "",
                    "kpi_unit": "درصد",
                    "baseline_value": 100 if state != "draft" else None,
                    "target_value": rng.choice((60, 70, 80)) if state != "draft" else None,
                    "target_date": (self.now + datetime.timedelta(days=365)).date() if state != "draft" else None,
                    "constraints_text": "اجرای پایلوت در یک منطقه و با هماهنگی واحد مربوط.",
                    "budget_min_rial": budget_min if state != "draft" else None,
                    "budget_max_rial": budget_min * rng.choice((2, 3, 5)) if state != "draft" else None,
                    "timeline": "شش ماه",
                    "available_data": self._fill_fa("آمار ماهانه {s1} در سه سال گذشته", caps[0]),
                    "pilot_unit_id": unit["id"] if rng.random() < 0.5 else None,
                    "criteria": criteria,
                    "version": rng.randint(1, 8),
                    "updated_by_id": manager,
                    "updated_at": updated,
                }
            )
            if state in PUBLIC_STATES:
                for pos, c in enumerate(criteria):
                    criteria_rows.append(
                        {"call_id": call["id"], "name": c["name"], "weight": c["weight"], "position": pos}
                    )
            # state history
            steps = path[: path.index(state) + 1] if state in path else ["draft", "in_definition", "cancelled"]
            previous = ""
            for n, step in enumerate(steps):
                at = min(self.now, call["created_at"] + datetime.timedelta(days=n * 7))
                at = {"published": times["published_at"], "closed": times["closed_at"]}.get(step) or at
                at = times["results_published_at"] if step == "results_published" else at
                transition_rows.append(
                    {"call_id": call["id"], "from_state": previous, "to_state": step, "by_id": manager, "at": at}
                )
                previous = step
            if call["call_type"] == "invited":
                pool = self.orgs_by_province.get(city["province"]) or ctx.orgs
                invited = rng.sample(pool, min(len(pool), rng.randint(5, 30)))
                call["invited"] = [o["id"] for o in invited]
                for o in invited:
                    invited_links.append({"call_id": call["id"], "organization_id": o["id"]})
            if state in ("in_definition", "ready", "draft") or rng.random() < 0.05:
                facs = ctx.facilitators_of_city[city["id"]]
                if city["id"] == 1 or rng.random() < 0.3:
                    facilitator_links.append({"call_id": call["id"], "user_id": rng.choice(facs)})
        self.copier.copy(Call, call_rows)
        del call_rows
        self.copier.copy(Call.capabilities.through, cap_links)
        self.copier.copy(Canvas, canvas_rows)
        self.copier.copy(EvaluationCriterion, criteria_rows)
        self.copier.copy(CallTransition, transition_rows)
        self.copier.copy(Call.invited_organizations.through, invited_links)
        self.copier.copy(Call.facilitators.through, facilitator_links)
        tehran_calls = [c for c in ctx.calls if c["city_id"] == 1]
        open_tehran = [c for c in tehran_calls if c["state"] == "published" and c["opens_at"] <= self.now]
        self.ctx.targets["open_call"] = max(open_tehran, key=lambda c: c["id"])["id"]
        managed = [c for c in tehran_calls if c["state"] == "in_definition"]
        self.ctx.targets["definition_call"] = managed[0]["id"] if managed else tehran_calls[0]["id"]

    # ----------------------------------------------------------------------------------------
    # Follows, questions and answers, notifications
    # ----------------------------------------------------------------------------------------
    def _follows_questions_notifications(self):
        from hamafza.challenges.models import CallFollow, CallQuestion, Notification

        ctx = self.ctx
        rng = self.rng
        public = [c for c in ctx.calls if c["state"] in PUBLIC_STATES]
        n_users = len(ctx.users)
        seen = set()
        follows = []
        citizen = ctx.account_ids["citizen"]
        for call in rng.sample(public, min(len(public), 25)):
            seen.add((call["id"], citizen))
            follows.append({"call_id": call["id"], "user_id": citizen, "created_at": call["published_at"]})
        while len(follows) < self.volume.follows:
            call = rng.choice(public)
            user = rng.randint(1, n_users)
            if (call["id"], user) in seen:
                continue
            seen.add((call["id"], user))
            follows.append({"call_id": call["id"], "user_id": user, "created_at": call["published_at"]})
        self.copier.copy(CallFollow, follows)
        del follows, seen
        questions = []
        for _ in range(self.volume.questions):
            call = rng.choice(public)
            org = rng.choice(ctx.orgs)
            answered = rng.random() < 0.8
            asked = call["published_at"] + datetime.timedelta(days=rng.randint(1, 15))
            questions.append(
                {
                    "call_id": call["id"],
                    "asked_by_id": ctx.org_users[org["id"]][0],
                    "organization_id": org["id"],
                    "question": self._fill_fa(rng.choice(vocab.QUESTIONS_FA), call["caps"][0]),
                    "answer": rng.choice(vocab.ANSWERS_FA) if answered else "",
                    "answered_by_id": ctx.manager_of_city[call["city_id"]] if answered else None,
                    "answered_at": asked + datetime.timedelta(days=2) if answered else None,
                    "is_published": answered,
                    "created_at": asked,
                }
            )
        self.copier.copy(CallQuestion, questions)
        notifications = []
        people = [ctx.account_ids[k] for k in ACCOUNTS if k != "admin"]
        for user in people:
            for n in range(120):
                call = rng.choice(public)
                notifications.append(
                    {
                        "user_id": user,
                        "kind": rng.choice(["call_closed", "call_results", "call_deadline_changed"]),
                        "params": {"title": call["title"], "deadline": "1405/02/01"},
                        "url": f"/fa/challenges/{call['id']}/",
                        "read_at": None if n < 7 else self.now,
                        "created_at": self._ago(0, 300),
                    }
                )
        for _ in range(self.volume.follows // 2):
            call = rng.choice(public)
            notifications.append(
                {
                    "user_id": rng.randint(1, n_users),
                    "kind": "call_closed",
                    "params": {"title": call["title"]},
                    "url": f"/fa/challenges/{call['id']}/",
                    "read_at": self.now if rng.random() < 0.7 else None,
                    "created_at": self._ago(0, 600),
                }
            )
        self.copier.copy(Notification, notifications)

    # ----------------------------------------------------------------------------------------
    # Proposals and receipts
    # ----------------------------------------------------------------------------------------
    def _eligible(self, call, org) -> bool:
        e = call["eligibility"]
        if e["allowed_provinces"] and org["province"] not in e["allowed_provinces"]:
            return False
        if e["allowed_kinds"] and org["kind"] not in e["allowed_kinds"]:
            return False
        if e["knowledge_based_required"] and not org["kb"]:
            return False
        return not (call["call_type"] == "invited" and org["id"] not in call.get("invited", ()))

    def _applicants(self, call, n) -> list[dict]:
        rng = self.rng
        orgs = self.ctx.orgs
        if call["call_type"] == "invited":
            pool = [orgs[i - 1] for i in call.get("invited", [])]
            return [o for o in rng.sample(pool, min(n, len(pool))) if self._eligible(call, o)]
        chosen: dict[int, dict] = {}
        provinces = call["eligibility"]["allowed_provinces"]
        tries = 0
        while len(chosen) < n and tries < n * 8:
            tries += 1
            if provinces:
                pool = self.orgs_by_province.get(rng.choice(provinces)) or orgs
                org = rng.choice(pool)
            else:
                org = orgs[bisect.bisect(self.org_weights, rng.random() * self.org_weights[-1])]
            if org["id"] not in chosen and self._eligible(call, org):
                chosen[org["id"]] = org
        return list(chosen.values())

    def _proposal_counts(self) -> dict[int, int]:
        rng = self.rng
        public = [c for c in self.ctx.calls if c["state"] in PUBLIC_STATES]
        raw = {}
        for call in public:
            factor = 0.5 if call["state"] == "published" else 1.0
            raw[call["id"]] = rng.lognormvariate(1.9, 0.95) * factor
        scale = self.volume.proposals / sum(raw.values())
        counts = {cid: max(0, min(400, round(v * scale))) for cid, v in raw.items()}
        # the showcase: a Tehran call in evaluation with a few hundred proposals
        tehran_eval = [c for c in public if c["city_id"] == 1 and c["state"] == "in_evaluation"]
        showcase = max(tehran_eval, key=lambda c: (c["call_type"] == "open", not c["eligibility"]["allowed_kinds"]))
        showcase["eligibility"] = {"allowed_provinces": [], "allowed_kinds": [], "knowledge_based_required": False}
        counts[showcase["id"]] = self.volume.showcase_proposals
        self.ctx.targets["showcase_call"] = showcase["id"]
        return counts

    def _proposals(self):
        from hamafza.challenges.models import Call
        from hamafza.proposals.models import Proposal, ProposalReceipt

        ctx = self.ctx
        rng = self.rng
        counts = self._proposal_counts()
        # The showcase's eligibility was relaxed: write it back.
        Call.objects.filter(pk=ctx.targets["showcase_call"]).update(
            allowed_provinces=[], allowed_kinds=[], knowledge_based_required=False
        )
        by_id = {c["id"]: c for c in ctx.calls}
        plan: list[tuple[dict, dict]] = []
        for call_id, n in counts.items():
            call = by_id[call_id]
            for org in self._applicants(call, n):
                plan.append((call, org))
        # the accounts' organizations apply to many calls (a list of their own)
        taken = {(c["id"], o["id"]) for c, o in plan}
        calls = [c for c in ctx.calls if c["state"] in PUBLIC_STATES and c["call_type"] != "invited"]
        for account, n in (("org.admin", 40), ("org.member", 10)):
            org = ctx.orgs[self.special_orgs[account] - 1]
            have = sum(1 for _c, o in plan if o is org)
            for call in rng.sample(calls, min(len(calls), n * 3)):
                if have >= n:
                    break
                if (call["id"], org["id"]) not in taken:
                    plan.append((call, org))
                    taken.add((call["id"], org["id"]))
                    have += 1
        del taken
        plan.sort(key=lambda pair: (pair[0]["closes_at"] or self.now, pair[0]["id"], pair[1]["id"]))
        self.submitted_by_call: dict[int, list[tuple[int, int]]] = {}
        receipts = []
        self.n_proposals = 0

        def rows():
            for pid, (call, org) in enumerate(plan, start=1):
                state = call["state"]
                if state == "published":
                    status = _weighted(rng, {"draft": 0.4, "submitted": 0.55, "withdrawn": 0.05})
                else:
                    status = _weighted(rng, {"draft": 0.1, "submitted": 0.87, "withdrawn": 0.03})
                cap = rng.choice(call["caps"])
                unit = call["unit"]
                extra = {"city": call["city"]["name_fa"], "unit": unit["name_fa"], "name": org["name"]}
                title = self._fill_fa(rng.choice(vocab.PROPOSAL_TITLES_FA), cap, **extra)[:200]
                if rng.random() < 0.15:
                    en = {"city": call["city"]["name_en"], "unit": unit["name_en"]}
                    title = self._fill_en(rng.choice(vocab.PROPOSAL_TITLES_EN), cap, **en)[:200]
                summary = self._para(vocab.PROPOSAL_FRAMES_FA, call["caps"], 3, **extra)
                approach = self._para(vocab.PROPOSAL_FRAMES_FA, call["caps"], 5, **extra)
                team = self._fill_fa(vocab.TEAM_FA, cap, n=rng.randint(3, 15))
                months = rng.choice((6, 9, 12))
                timeline = vocab.TIMELINE_FA.format(months=months, a=2, b=3)
                kpis = self._fill_fa(vocab.KPIS_FA, cap, p=rng.choice((20, 30, 40)), q=rng.choice((50, 80, 100)))
                opened = call["opens_at"] or call["created_at"]
                closes = min(call["closes_at"] or self.now, self.now)
                span = max(60.0, (closes - opened).total_seconds())
                created = opened + datetime.timedelta(seconds=rng.uniform(0, span * 0.8))
                submitted = created + datetime.timedelta(seconds=rng.uniform(0, span * 0.2))
                submitted = min(submitted, closes - datetime.timedelta(seconds=1))
                user = ctx.org_users[org["id"]][0]
                decision = "pending"
                if status == "submitted":
                    self.submitted_by_call.setdefault(call["id"], []).append((pid, org["id"]))
                    receipts.append((pid, submitted, user))
                    if state == "results_published":
                        decision = "not_awarded"
                content_hash = f"{pid:064x}"
                self.n_proposals += 1
                yield {
                    "id": pid,
                    "call_id": call["id"],
                    "city_id": call["city_id"],
                    "organization_id": org["id"],
                    "status": status,
                    "title": title,
                    "summary": summary[0],
                    "approach": approach[0],
                    "team": team,
                    "budget_rial": rng.choice((5, 8, 12, 20, 35, 60)) * 100_000_000,
                    "timeline": timeline,
                    "kpis": kpis,
                    "version": rng.randint(1, 6),
                    "created_by_id": user,
                    "created_at": created,
                    "updated_at": submitted if status != "draft" else created,
                    "submitted_at": submitted if status in ("submitted", "withdrawn") else None,
                    "withdrawn_at": submitted + datetime.timedelta(days=1) if status == "withdrawn" else None,
                    "receipt_hash": content_hash if status in ("submitted", "withdrawn") else "",
                    "shortlisted": False,
                    "decision": decision,
                    "decision_reason": "",
                    "decided_at": None,
                    "decided_by_id": None,
                    "search_text": self._search(title, summary, approach, team, kpis),
                }

        self.copier.copy(Proposal, rows())
        self.copier.copy(
            ProposalReceipt,
            (
                {
                    "proposal_id": pid,
                    "submitted_at": at,
                    "sha256": f"{pid:064x}",
                    "content_version": 1,
                    "submitted_by_id": user,
                }
                for pid, at, user in receipts
            ),
        )

    # ----------------------------------------------------------------------------------------
    # Panels, judges, declarations, score sheets and scores (calls in evaluation)
    # ----------------------------------------------------------------------------------------
    def _panels(self):
        from hamafza.proposals.models import (
            ConflictDeclaration,
            Panel,
            PanelMember,
            RubricCriterion,
            Score,
            ScoreSheet,
        )

        ctx = self.ctx
        rng = self.rng
        panels, criteria, members, declarations, sheets = [], [], [], [], []
        scores_plan = []
        judge = ctx.account_ids["judge.tehran"]
        judge_panels = 0
        criterion_id = member_id = sheet_id = 0
        for panel_id, call in enumerate(self.calls_by_state.get("in_evaluation", []), start=1):
            status = "scoring" if rng.random() < 0.75 else "closed"
            started = call["closed_at"] + datetime.timedelta(days=rng.randint(1, 5))
            panels.append(
                {
                    "id": panel_id,
                    "call_id": call["id"],
                    "city_id": call["city_id"],
                    "status": status,
                    "blind_review": rng.random() < 0.2,
                    "method": rng.choice(["mean", "mean", "median", "trimmed_mean"]),
                    "normalise": rng.random() < 0.3,
                    "scoring_started_at": started,
                    "closed_at": started + datetime.timedelta(days=20) if status == "closed" else None,
                    "created_at": call["closed_at"],
                }
            )
            call["panel_id"] = panel_id
            rubric = []
            for pos, c in enumerate(call["criteria"] or self._criteria()):
                criterion_id += 1
                rubric.append(criterion_id)
                criteria.append(
                    {"id": criterion_id, "panel_id": panel_id, "name": c["name"], "weight": c["weight"]}
                    | {"scale_max": 10, "position": pos, "description": ""}
                )
            pool = [j for j in ctx.judges_of_city[call["city_id"]] if j != judge]
            chosen = rng.sample(pool, min(3, len(pool)))
            if call["city_id"] == 1 and judge not in chosen and judge_panels < 15 and status == "scoring":
                chosen[0] = judge
            if judge in chosen:
                judge_panels += 1
            if call["id"] == ctx.targets.get("showcase_call") and judge not in chosen:
                chosen[0] = judge
            submitted = self.submitted_by_call.get(call["id"], [])
            for user in chosen:
                member_id += 1
                members.append(
                    {
                        "id": member_id,
                        "panel_id": panel_id,
                        "user_id": user,
                        "source": "city_judge",
                        "created_at": started,
                    }
                )
                for pid, _org in submitted:
                    r = rng.random()
                    if r < 0.12 and user != judge:
                        continue  # not declared yet
                    conflict = rng.random() < 0.03
                    declarations.append(
                        {"member_id": member_id, "proposal_id": pid, "has_conflict": conflict, "note": ""}
                        | {"declared_at": started}
                    )
                    if conflict or rng.random() < 0.15:
                        continue
                    sheet_id += 1
                    complete = rng.random() < 0.85 or status == "closed"
                    sheets.append(
                        {
                            "id": sheet_id,
                            "member_id": member_id,
                            "proposal_id": pid,
                            "comment": "",
                            "version": 1,
                            "completed_at": started + datetime.timedelta(days=3) if complete else None,
                            "updated_at": started + datetime.timedelta(days=3),
                        }
                    )
                    scored = rubric if complete else rubric[: max(1, len(rubric) - 2)]
                    scores_plan.append((sheet_id, scored))
        self.copier.copy(Panel, panels)
        self.copier.copy(RubricCriterion, criteria)
        self.copier.copy(PanelMember, members)
        self.copier.copy(ConflictDeclaration, declarations)
        self.copier.copy(ScoreSheet, sheets)
        self.copier.copy(
            Score,
            (
                {"sheet_id": sid, "criterion_id": cid, "value": rng.randint(3, 10), "comment": ""}
                | {"updated_at": self.now}
                for sid, rubric in scores_plan
                for cid in rubric
            ),
        )
        ctx.targets["judge_panels"] = judge_panels

    # ----------------------------------------------------------------------------------------
    # Public results of calls whose results are published
    # ----------------------------------------------------------------------------------------
    def _results(self):
        from hamafza.challenges.models import CallResult
        from hamafza.proposals.models import Proposal

        rng = self.rng
        names = {o["id"]: o["name"] for o in self.ctx.orgs}
        rows, awarded = [], []
        for call in self.calls_by_state.get("results_published", []):
            submitted = self.submitted_by_call.get(call["id"], [])
            if not submitted:
                continue
            winners = set(rng.sample(range(len(submitted)), min(len(submitted), rng.randint(1, 3))))
            for rank, (pid, org_id) in enumerate(submitted, start=1):
                won = rank - 1 in winners
                if won:
                    awarded.append(pid)
                rows.append(
                    {
                        "call_id": call["id"],
                        "organization_id": org_id,
                        "applicant_name": names[org_id],
                        "outcome": "awarded" if won else "not_awarded",
                        "public_reason": "",
                        "rank": rank if won else None,
                        "created_at": call["results_published_at"],
                    }
                )
        self.copier.copy(CallResult, rows)
        for start in range(0, len(awarded), 20_000):
            Proposal.objects.filter(pk__in=awarded[start : start + 20_000]).update(decision="awarded")

    # ----------------------------------------------------------------------------------------
    # Missions, roles and consortia
    # ----------------------------------------------------------------------------------------
    def _missions(self):
        from hamafza.consortia.models import Consortium, ConsortiumInvitation, ConsortiumMember, Mission, MissionRole

        ctx = self.ctx
        rng = self.rng
        missions, roles, role_caps, consortia, members, invitations = [], [], [], [], [], []
        role_id = consortium_id = 0
        org_admin_org = self.special_orgs["org.admin"]
        for mid in range(1, self.volume.missions + 1):
            city = self._pick_city() if rng.random() < 0.85 else None
            domain = rng.choice(list(self.caps_by_domain))
            caps = self.caps_by_domain[domain]
            cap = rng.choice(caps)
            extra = {"city": city["name_fa"] if city else "ایران"}
            created = self._ago(5, 500)
            missions.append(
                {
                    "id": mid,
                    "city_id": city["id"] if city else None,
                    "title_fa": self._fill_fa(rng.choice(vocab.MISSION_TITLES_FA), cap, **extra)[:200],
                    "title_en": self._fill_en(
                        rng.choice(vocab.MISSION_TITLES_EN), cap, city=city["name_en"] if city else "Iran"
                    )[:200],
                    "description": self._para(vocab.CALL_FRAMES_FA, caps, 3, city=extra["city"], unit="شهرداری")[0],
                    "call_id": None,
                    "allowed_provinces": [],
                    "knowledge_based_required": False,
                    "allowed_kinds": [],
                    "created_by_id": ctx.manager_of_city[city["id"]] if city else ctx.account_ids["admin"],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            mission_roles = []
            for pos, (code, name) in enumerate(rng.sample(vocab.ROLE_NAMES, rng.randint(3, 6))):
                role_id += 1
                mission_roles.append(role_id)
                roles.append(
                    {
                        "id": role_id,
                        "mission_id": mid,
                        "call_id": None,
                        "code": code,
                        "name": name,
                        "text": "",
                        "min_members": 1,
                        "max_members": rng.choice((1, 1, 2)),
                        "position": pos,
                    }
                )
                role_caps.append({"missionrole_id": role_id, "capability_id": rng.choice(caps).pk})
            n_consortia = rng.choice((0, 0, 1, 2, 3))
            if mid <= 3:
                n_consortia = max(n_consortia, 1)
            leads = rng.sample(ctx.orgs, n_consortia)
            if mid <= 3 and all(o["id"] != org_admin_org for o in leads):
                leads[0] = ctx.orgs[org_admin_org - 1]
            for lead in leads:
                consortium_id += 1
                consortia.append(
                    {
                        "id": consortium_id,
                        "mission_id": mid,
                        "call_id": None,
                        "lead_id": lead["id"],
                        "run_id": None,
                        "rank": None,
                        "max_members": 6,
                        "proposal_id": None,
                        "created_by_id": ctx.org_users[lead["id"]][0],
                        "created_at": created,
                    }
                )
                members.append(
                    {"consortium_id": consortium_id, "organization_id": lead["id"], "role_id": mission_roles[0]}
                    | {"fitness": 0.8, "capabilities_matched": [], "joined_at": created}
                )
                for rid in mission_roles[1:]:
                    org = rng.choice(ctx.orgs)
                    status = rng.choice(["pending", "accepted", "declined"])
                    invitations.append(
                        {
                            "consortium_id": consortium_id,
                            "organization_id": org["id"],
                            "role_id": rid,
                            "status": status,
                            "fitness": round(rng.random(), 3),
                            "capabilities_matched": [],
                            "message": "",
                            "invited_by_id": ctx.org_users[lead["id"]][0],
                            "responded_by_id": None,
                            "created_at": created,
                            "responded_at": None,
                        }
                    )
                    if status == "accepted":
                        members.append(
                            {"consortium_id": consortium_id, "organization_id": org["id"], "role_id": rid}
                            | {"fitness": 0.6, "capabilities_matched": [], "joined_at": created}
                        )
        self.copier.copy(Mission, missions)
        self.copier.copy(MissionRole, roles)
        self.copier.copy(MissionRole.capabilities.through, role_caps)
        self.copier.copy(Consortium, consortia)
        self.copier.copy(ConsortiumMember, members)
        self.copier.copy(ConsortiumInvitation, invitations)
        ctx.targets["mission"] = 1

    # ----------------------------------------------------------------------------------------
    def _reset_sequences(self):
        from django.apps import apps

        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label != "contenttypes"]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def targets_json(targets: dict) -> str:
    return json.dumps(targets, ensure_ascii=False, sort_keys=True)
