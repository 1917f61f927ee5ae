"""Demo data of the directory: about 200 organizations, 20 people and the demo accounts'
organization memberships.

Called by `hamafza demo` after the core step (taxonomy, cities) and the accounts step (users).
The organizations are composed from the hand-written parts in `demo_data/` (names, per-capability
phrase banks, sentence frames) with a seeded random generator, so every machine gets the same
directory; they are stored through `hamafza.directory.importers.organization_import`, which
updates by slug and writes nothing for an organization that is already as described.

The Persian texts are written the way real input arrives: some without half-spaces, some with
Arabic ي/ك, numbers in Persian digits in some and Latin digits in others.
"""

from __future__ import annotations

import datetime
import random
import re

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hamafza.accounts import demo as accounts_demo
from hamafza.accounts.demo import DEMO_USERS
from hamafza.accounts.models import User
from hamafza.core.models import Capability
from hamafza.directory import services
from hamafza.directory.demo_data.anchors import ACCELERATOR_STEMS, ANCHORS, PROBLEM_FIRM_STEMS
from hamafza.directory.demo_data.people import PEOPLE
from hamafza.directory.demo_data.phrases import BANK, CLIENTS, CLOSINGS, RELATED
from hamafza.directory.demo_data.places import NAME_SUFFIXES, PILOT_CITIES, PROVINCES
from hamafza.directory.importers import organization_import
from hamafza.directory.models import Organization, OrganizationKind, OrganizationMembership, Person

SEED = 1405
K = OrganizationKind

# How many organizations of each kind the generator writes (the anchors come on top).
KIND_COUNTS = {
    K.STARTUP: 47,
    K.KNOWLEDGE_BASED: 51,
    K.SME: 45,
    K.UNIVERSITY: 12,
    K.RESEARCH_CENTER: 12,
    K.INCUBATOR: 8,
    K.ACCELERATOR: 6,
    K.SCIENCE_PARK: 7,
    K.PROBLEM_DEFINITION_FIRM: 9,
}
FOUNDED = {
    K.STARTUP: (2016, 2024),
    K.KNOWLEDGE_BASED: (2004, 2021),
    K.SME: (1996, 2019),
    K.UNIVERSITY: (1955, 2005),
    K.RESEARCH_CENTER: (1985, 2015),
    K.INCUBATOR: (2002, 2016),
    K.ACCELERATOR: (2014, 2021),
    K.SCIENCE_PARK: (2001, 2012),
    K.PROBLEM_DEFINITION_FIRM: (2015, 2022),
}
EMPLOYEES = {
    K.STARTUP: (3, 22),
    K.KNOWLEDGE_BASED: (18, 240),
    K.SME: (8, 110),
    K.UNIVERSITY: (350, 2800),
    K.RESEARCH_CENTER: (15, 120),
    K.INCUBATOR: (5, 25),
    K.ACCELERATOR: (6, 30),
    K.SCIENCE_PARK: (25, 90),
    K.PROBLEM_DEFINITION_FIRM: (4, 28),
}
COMPANY_KINDS = (K.STARTUP, K.KNOWLEDGE_BASED, K.SME)

# ---------------------------------------------------------------------------------------------
# Sentence frames: the Persian and the English frame at the same index say the same thing.

COMPANY_FRAMES = [
    (
        "در {name} {o1}. همچنین {o2}. مشتریان اصلی ما {c1} هستند و برای {c2} هم کار می‌کنیم. {pilot} {closing}",
        "At {name} we {o1}. We also {o2}. Our main clients are {c1}; we also work for {c2}. {pilot} {closing}",
    ),
    (
        "{name} در سال {founded} در {city} تأسیس شد. {o1} و {o2}. {pilot} {closing}",
        "{name} was founded in {city} in {founded}. We {o1}, and we {o2}. {pilot} {closing}",
    ),
    (
        "{o1}. {pilot} بیشتر کار ما برای {c1} است. {closing}",
        "We {o1}. {pilot} Most of our work is for {c1}. {closing}",
    ),
    (
        "تیم {employees} نفره ما از سال {founded} در {city} کار می‌کند. {o1}. {pilot}",
        "Founded in {founded}, {name} has a team of {employees} people in {city}. We {o1}. {pilot}",
    ),
    (
        "{name}: {o1}. از مشتریان ما: {c1}، {c2}. {o2}. {closing}",
        "{name}: we {o1}. Customers: {c1}; {c2}. In addition, we {o2}. {closing}",
    ),
    ("{o1}. {pilot}", "We {o1}. {pilot}"),
]
UNIVERSITY_FRAMES = [
    (
        "{name} در {city} دانشکده‌ها و آزمایشگاه‌هایی در زمینه {t1} و نیز {t2} دارد. پژوهش‌های اخیر استادان و "
        "دانشجویان ما شامل {r1} و نیز {r2} بوده است. {closing}",
        "{name} in {city} has faculties and laboratories in {t1} and in {t2}. Recent research by our staff "
        "and students covers {r1}, and also {r2}. {closing}",
    ),
    (
        "گروه‌های پژوهشی {name} روی {r1} و همچنین {r2} کار می‌کنند. {closing}",
        "Research groups at {name} work on {r1} and on {r2}. {closing}",
    ),
    (
        "{name} از سال {founded} در {city} دانشجو می‌پذیرد. قطب‌های پژوهشی ما: {t1}؛ {t2}. {closing}",
        "{name} has taught students in {city} since {founded}. Our research strengths: {t1}; {t2}. {closing}",
    ),
]
RESEARCH_FRAMES = [
    (
        "{name} پژوهشکده‌ای است که از سال {founded} در زمینه {t1} پژوهش کاربردی انجام می‌دهد. طرح‌های جاری ما: "
        "{r1}؛ {r2}. {closing}",
        "{name} has done applied research on {t1} since {founded}. Current projects: {r1}; {r2}. {closing}",
    ),
    (
        "پژوهشگران {name} روی {r1} کار می‌کنند و برای شهرداری‌ها مطالعات {t2} انجام می‌دهند. {closing}",
        "Researchers at {name} work on {r1} and carry out studies on {t2} for municipalities. {closing}",
    ),
]
SUPPORT_FRAMES = {
    K.INCUBATOR: [
        (
            "{name} از سال {founded} به تیم‌های نوپا در حوزه {t1} و نیز {t2} فضای کار اشتراکی، منتورینگ و مشاوره "
            "حقوقی و مالی ارائه می‌دهد. تاکنون {n} تیم از این مرکز فارغ‌التحصیل شده‌اند.",
            "Since {founded}, {name} has given early-stage teams in {t1} and in {t2} shared workspace, mentoring and "
            "legal and financial advice. {n} teams have graduated so far.",
        ),
        (
            "در {name} تیم‌های ایده‌محور {city} مراحل پیش‌رشد و رشد را طی می‌کنند؛ تمرکز ما بر {t1} است و هر سال "
            "رویداد استارتاپی برگزار می‌کنیم.",
            "At {name}, idea-stage teams from {city} go through pre-incubation and incubation; we focus on {t1} and "
            "hold a startup weekend every year.",
        ),
    ],
    K.ACCELERATOR: [
        (
            "{name} برنامه‌های شتاب‌دهی {m} ماهه برای استارتاپ‌های حوزه {t1} و نیز {t2} برگزار می‌کند و در ازای سهم، "
            "سرمایه اولیه می‌دهد. تاکنون در {n} استارتاپ سرمایه‌گذاری کرده‌ایم.",
            "{name} runs {m}-month acceleration programmes for startups in {t1} and in {t2} and invests seed money "
            "for equity. We have invested in {n} startups so far.",
        ),
        (
            "ما استارتاپ‌های حوزه {t1} را به شهرداری‌ها و صنایع وصل می‌کنیم تا محصولشان را در مقیاس واقعی "
            "آزمایش کنند. روز ارائه هر دوره {name} با حضور سرمایه‌گذاران برگزار می‌شود.",
            "We connect {t1} startups with municipalities and industry so they can test their products at real "
            "scale. Each {name} cohort ends with a demo day for investors.",
        ),
    ],
    K.SCIENCE_PARK: [
        (
            "{name} میزبان {n} شرکت فناور و دانش‌بنیان است که بیشترشان در زمینه {t1} و نیز {t2} فعالیت می‌کنند. پارک "
            "خدمات آزمایشگاهی، دفتر انتقال فناوری و ارتباط با صنعت و شهرداری را فراهم می‌کند.",
            "{name} hosts {n} technology and knowledge-based companies, most of them working on {t1} or on {t2}. "
            "The park offers shared laboratories, a technology transfer office and links to industry and the "
            "municipality.",
        ),
        (
            "{name} در سال {founded} در {city} تأسیس شد و امروز مراکز رشد، شتاب‌دهنده و فضای کار اشتراکی را در خود "
            "جای داده است. خوشه {t1} پارک از فعال‌ترین خوشه‌های آن است.",
            "{name} opened in {city} in {founded} and now houses incubators, an accelerator and a co-working "
            "space. Its {t1} cluster is one of the most active.",
        ),
    ],
    K.PROBLEM_DEFINITION_FIRM: [
        (
            "ما به واحدهای شهرداری کمک می‌کنیم نیازشان در حوزه {t1} را به مسئله‌ای روشن تبدیل کنند: ذی‌نفعان، "
            "داده پایه، شاخص موفقیت و معیارهای ارزیابی. {name} تاکنون برای {n} فراخوان نوآوری باز مسئله‌یابی "
            "کرده است.",
            "We help municipal units turn a need in {t1} into a well-defined problem: stakeholders, baseline data, "
            "success indicators and evaluation criteria. {name} has framed the problems behind {n} open-innovation "
            "calls so far.",
        ),
        (
            "{name} کارگاه‌های تعریف مسئله را با حضور کارشناسان شهرداری، شهروندان و شرکت‌ها برگزار می‌کند و خروجی "
            "آن را به سند فراخوان تبدیل می‌کند. تجربه ما بیشتر در حوزه {t1} و نیز {t2} است.",
            "{name} runs problem-definition workshops with municipal staff, residents and companies and turns the "
            "result into a call document. Most of our experience is in {t1}, and also in {t2}.",
        ),
    ],
}

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
_SMALL_WORDS = {"and", "of", "for", "the", "in", "on"}


def _title(text: str) -> str:
    return " ".join(
        w if (w in _SMALL_WORDS and i) or any(ch.isupper() for ch in w) else w[:1].upper() + w[1:]
        for i, w in enumerate(text.split())
    )


class _Generator:
    """Composes the demo organizations; all randomness comes from one seeded generator."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.names: set[str] = {a["name"] for a in ANCHORS} | {a["name_en"] for a in ANCHORS}
        self.slugs: set[str] = {a["id"] for a in ANCHORS}
        self.stem_use: dict[str, int] = {}

    # ----- plumbing
    def _province_plan(self, total: int) -> list[str]:
        plan = [code for code, (_e, _c, weight) in PROVINCES.items() for _ in range(weight)]
        codes = list(PROVINCES)
        weights = [PROVINCES[c][2] for c in codes]
        while len(plan) < total:
            plan.append(self.rng.choices(codes, weights=weights)[0])
        self.rng.shuffle(plan)
        return plan[:total]

    def _unique(self, candidates: list[tuple[str, str]]) -> tuple[str, str]:
        for fa, en in candidates:
            if fa not in self.names and en not in self.names and slugify(en) not in self.slugs:
                self.names.update((fa, en))
                self.slugs.add(slugify(en))
                return fa, en
        fa, en = candidates[-1]
        n = 2
        while f"{en} {n}" in self.names:
            n += 1
        fa, en = f"{fa} {n}", f"{en} {n}"
        self.names.update((fa, en))
        self.slugs.add(slugify(en))
        return fa, en

    def _numbers(self) -> dict:
        return {"n": self.rng.randint(5, 60), "m": self.rng.randint(3, 12)}

    # ----- names
    def company_name(self, kind: str, cap: str, epithet: tuple[str, str]) -> tuple[str, str]:
        stems = BANK[cap]["stems"]
        start = self.stem_use.get(cap, 0)
        self.stem_use[cap] = start + 1
        candidates = []
        for i in range(len(stems)):
            s_fa, s_en = stems[(start + i) % len(stems)]
            suffix = self.rng.choice(NAME_SUFFIXES)
            if kind == K.KNOWLEDGE_BASED:
                candidates += [
                    (f"{s_fa} {epithet[0]}", f"{s_en} {epithet[1]} Technologies"),
                    (f"{s_fa} {suffix[0]}", f"{s_en} {suffix[1]} Co."),
                ]
            elif kind == K.SME:
                candidates += [
                    (f"{s_fa} {suffix[0]} {epithet[0]}", f"{s_en} {suffix[1]} {epithet[1]} Engineering"),
                    (f"مهندسی {s_fa} {epithet[0]}", f"{s_en} {epithet[1]} Engineering Co."),
                ]
            else:
                candidates += [(s_fa, s_en), (f"{s_fa} {suffix[0]}", f"{s_en} {suffix[1]}")]
        return self._unique(candidates)

    def support_name(self, kind: str, epithet: tuple[str, str], topic: tuple[str, str]) -> tuple[str, str]:
        e_fa, e_en = epithet
        if kind == K.UNIVERSITY:
            candidates = [
                (f"دانشگاه صنعتی {e_fa}", f"{e_en} University of Technology"),
                (f"دانشگاه علم و فناوری {e_fa}", f"{e_en} University of Science and Technology"),
                (f"مؤسسه آموزش عالی {e_fa}", f"{e_en} Institute of Higher Education"),
            ]
        elif kind == K.RESEARCH_CENTER:
            candidates = [
                (f"پژوهشکده {topic[0]} {e_fa}", f"{e_en} Research Institute for {_title(topic[1])}"),
                (f"مرکز تحقیقات {topic[0]}", f"{_title(topic[1])} Research Centre"),
            ]
        elif kind == K.INCUBATOR:
            candidates = [
                (f"مرکز رشد فناوری {e_fa}", f"{e_en} Technology Incubator"),
                (f"مرکز رشد واحدهای فناور {e_fa}", f"{e_en} Incubation Centre"),
            ]
        elif kind == K.ACCELERATOR:
            stems = list(ACCELERATOR_STEMS)
            self.rng.shuffle(stems)
            candidates = [(f"شتاب‌دهنده {s_fa}", f"{s_en} Accelerator") for s_fa, s_en in stems]
        elif kind == K.SCIENCE_PARK:
            candidates = [
                (f"پارک علم و فناوری {e_fa}", f"{e_en} Science and Technology Park"),
                (f"پردیس فناوری {e_fa}", f"{e_en} Technology Campus"),
            ]
        else:
            stems = list(PROBLEM_FIRM_STEMS)
            self.rng.shuffle(stems)
            candidates = [(f"گروه مشاوره {s_fa}", f"{s_en} Consulting") for s_fa, s_en in stems]
            candidates += [(s_fa, f"{s_en} Studio") for s_fa, s_en in stems]
        return self._unique(candidates)

    # ----- capabilities
    def company_caps(self, primary: str) -> list[str]:
        caps = [primary]
        related = list(RELATED.get(primary, []))
        self.rng.shuffle(related)
        for code in related[: self.rng.choice((0, 1, 1, 2))]:
            caps.append(code)
        return caps

    # ----- texts
    def _fill(self, frame: tuple[str, str], slots_fa: dict, slots_en: dict) -> tuple[str, str]:
        fa = frame[0].format(**slots_fa)
        en = frame[1].format(**slots_en)
        return _tidy(fa), _tidy(en)

    def _pilot_city(self, city: tuple[str, str]) -> tuple[str, str]:
        return self.rng.choice(PILOT_CITIES) if self.rng.random() < 0.65 else city

    def company_texts(self, kind, caps, names, city, founded, employees) -> tuple[str, str]:
        primary = BANK[caps[0]]
        o1 = self.rng.choice(primary["offers"])
        if len(caps) > 1:
            o2 = self.rng.choice(BANK[caps[1]]["offers"])
        else:
            o2 = self.rng.choice([o for o in primary["offers"] if o != o1] or primary["offers"])
        clients = list(CLIENTS[caps[0].split(".")[0]])
        self.rng.shuffle(clients)
        c1, c2 = clients[0], clients[1]
        pilot_city = self._pilot_city(city)
        numbers = self._numbers()
        pilot = self.rng.choice(primary["pilots"])
        pilot_fa = pilot[0].format(city=pilot_city[0], **numbers)
        pilot_en = pilot[1].format(city=pilot_city[1], **numbers)
        closing = self.rng.choice(CLOSINGS[kind])
        frame = self.rng.choice(COMPANY_FRAMES)
        return self._fill(
            frame,
            {
                "name": names[0],
                "o1": o1[0],
                "o2": o2[0],
                "c1": c1[0],
                "c2": c2[0],
                "pilot": pilot_fa,
                "closing": closing[0],
                "city": city[0],
                "founded": founded - 621,
                "employees": employees,
            },
            {
                "name": names[1],
                "o1": o1[1],
                "o2": o2[1],
                "c1": c1[1],
                "c2": c2[1],
                "pilot": pilot_en,
                "closing": closing[1],
                "city": city[1],
                "founded": founded,
                "employees": employees,
            },
        )

    def research_texts(self, kind, caps, names, city, founded) -> tuple[str, str]:
        t1, t2 = BANK[caps[0]]["topic"], BANK[caps[1]]["topic"]
        r1, r2 = BANK[caps[0]]["research"][0], BANK[caps[1]]["research"][0]
        numbers = self._numbers()
        closing = self.rng.choice(CLOSINGS[kind])
        frames = UNIVERSITY_FRAMES if kind == K.UNIVERSITY else RESEARCH_FRAMES
        frame = self.rng.choice(frames)
        common = {"founded": founded, **numbers}
        return self._fill(
            frame,
            {
                "name": names[0],
                "city": city[0],
                "t1": t1[0],
                "t2": t2[0],
                "r1": r1[0],
                "r2": r2[0],
                "closing": closing[0].format(**numbers),
                **common,
                "founded": founded - 621,
            },
            {
                "name": names[1],
                "city": city[1],
                "t1": t1[1],
                "t2": t2[1],
                "r1": r1[1],
                "r2": r2[1],
                "closing": closing[1].format(**numbers),
                **common,
            },
        )

    def support_texts(self, kind, focus, names, city, founded) -> tuple[str, str]:
        t1, t2 = BANK[focus[0]]["topic"], BANK[focus[1]]["topic"]
        numbers = self._numbers()
        frame = self.rng.choice(SUPPORT_FRAMES[kind])
        return self._fill(
            frame,
            {"name": names[0], "city": city[0], "t1": t1[0], "t2": t2[0], "founded": founded - 621, **numbers},
            {"name": names[1], "city": city[1], "t1": t1[1], "t2": t2[1], "founded": founded, **numbers},
        )

    # ----- the whole set
    def organizations(self) -> list[dict]:
        rng = self.rng
        kinds = [kind for kind, count in KIND_COUNTS.items() for _ in range(count)]
        provinces = self._province_plan(len(kinds))
        caps_cycle = sorted(BANK)
        rng.shuffle(caps_cycle)
        cap_index = 0
        rows = []
        for i, (kind, province) in enumerate(zip(kinds, provinces, strict=True)):
            epithet, cities, _weight = PROVINCES[province]
            city = rng.choice(cities)
            founded = rng.randint(*FOUNDED[kind])
            employees = rng.randint(*EMPLOYEES[kind])
            if kind in COMPANY_KINDS:
                primary = caps_cycle[cap_index % len(caps_cycle)]
                cap_index += 1
                caps = self.company_caps(primary)
                names = self.company_name(kind, primary, epithet)
                fa, en = self.company_texts(kind, caps, names, city, founded, employees)
            elif kind in (K.UNIVERSITY, K.RESEARCH_CENTER):
                caps = rng.sample(sorted(BANK), 3 if kind == K.UNIVERSITY and rng.random() < 0.5 else 2)
                names = self.support_name(kind, epithet, BANK[caps[0]]["topic"])
                fa, en = self.research_texts(kind, caps, names, city, founded)
            else:
                focus = rng.sample(sorted(BANK), 2)
                names = self.support_name(kind, epithet, BANK[focus[0]]["topic"])
                fa, en = self.support_texts(kind, focus, names, city, founded)
                if kind == K.INCUBATOR:
                    caps = ["innovation.incubation"] + (["innovation.acceleration"] if rng.random() < 0.3 else [])
                elif kind == K.ACCELERATOR:
                    caps = ["innovation.acceleration"] + (["innovation.incubation"] if rng.random() < 0.2 else [])
                elif kind == K.SCIENCE_PARK:
                    caps = ["innovation.incubation", "innovation.acceleration"]
                else:
                    caps = ["innovation.problem_definition", focus[0]]
            rows.append(self._row(i, kind, province, city, names, fa, en, caps, founded, employees))
        return rows

    def _row(self, i, kind, province, city, names, fa, en, caps, founded, employees) -> dict:
        rng = self.rng
        # Which languages the profile is written in.
        if kind in (K.UNIVERSITY, K.SCIENCE_PARK):
            language = rng.choice(("both", "both", "fa"))
        else:
            # Most profiles have a Persian name; one in ten, from elsewhere, is written only in English.
            language = rng.choices(("fa", "both", "en"), weights=(45, 45, 10))[0]
        name_fa, name_en = names
        slug = slugify(name_en)
        # Persian text as it arrives: lost half-spaces, Arabic letters, either digit script.
        noise = rng.random()
        if noise < 0.18:
            fa = fa.replace("\u200c", "")
        elif noise < 0.32:
            fa = fa.replace("\u200c", " ")
        if rng.random() < 0.12:
            fa = fa.translate(_ARABIC_LETTERS)
            if rng.random() < 0.5:
                name_fa = name_fa.translate(_ARABIC_LETTERS)
        if rng.random() < 0.5:
            fa = fa.translate(_PERSIAN_DIGITS)
        row = {
            "id": slug,
            "name": name_en if language == "en" else name_fa,
            "name_en": name_en if language != "fa" or rng.random() < 0.5 else "",
            "kind": str(kind),
            "city": city[1] if language == "en" else city[0],
            "province": province,
            "description_fa": fa if language != "en" else "",
            "description_en": en if language != "fa" else "",
            "employees": employees,
            "founded": founded,
            "website": f"https://{_host(slug)}.example.ir" if rng.random() < 0.85 else "",
            "capabilities": caps,
            "verified": rng.random() < 0.6,
        }
        knowledge_based = kind == K.KNOWLEDGE_BASED or (
            kind in (K.STARTUP, K.SME) and rng.random() < (0.3 if kind == K.STARTUP else 0.2)
        )
        row["knowledge_based"] = knowledge_based
        if knowledge_based:
            row.update(self._certificate())
        return row

    def _certificate(self) -> dict:
        rng = self.rng
        if rng.random() < 0.12:  # expired
            start = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
            years = 2
        else:
            start = datetime.date(2024, 12, 1) + datetime.timedelta(days=rng.randint(0, 660))
            years = 3
        until = start.replace(year=start.year + years) - datetime.timedelta(days=1)
        jalali_year = start.year - 621 if start.month > 3 else start.year - 622
        return {
            "certificate_number": f"DB-{jalali_year}-{rng.randint(1000, 99999):05d}",
            "certificate_valid_from": start.isoformat(),
            "certificate_valid_until": until.isoformat(),
        }


def _host(slug: str) -> str:
    """A short DNS label (at most 63 characters) for a demo website."""
    if len(slug) <= 32:
        return slug
    host = ""
    for part in slug.split("-"):
        if part in _SMALL_WORDS:
            continue
        if host and len(host) + len(part) + 1 > 32:
            break
        host = f"{host}-{part}" if host else part
    return host[:63]


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace(" .", ".")


def organization_rows(seed: int = SEED) -> list[dict]:
    """Every demo organization as an import row: the hand-written anchors, then the generated ones."""
    return [dict(a) for a in ANCHORS] + _Generator(seed).organizations()


# ---------------------------------------------------------------------------------------------
# Loading


def load(*, stdout) -> None:
    """Create or update the demo organizations, people and memberships (idempotent)."""
    rows = organization_rows()
    known = set(Capability.objects.values_list("code", flat=True))
    wanted = {code for row in rows for code in row["capabilities"]}
    missing = sorted(wanted - known)
    if missing:
        stdout.write(
            _("directory: warning: these capability codes are not in the taxonomy and were skipped: %(codes)s")
            % {"codes": ", ".join(missing)}
        )
    for row in rows:
        row["capabilities"] = [code for code in row["capabilities"] if code in known]
    report = organization_import(rows=enumerate(rows, start=1))
    if report.rejected:
        details = "; ".join(f"{rows[line - 1]['id']}: {reason}" for line, reason in report.rejected)
        raise ValueError(f"demo organizations rejected by the importer: {details}")

    people = _load_people(rows, known)
    memberships = _load_memberships()
    stdout.write(
        _(
            "directory: %(orgs)s organizations (%(new)s new, %(updated)s updated), %(people)s people, "
            "%(memberships)s memberships of demo accounts"
        )
        % {
            "orgs": len(rows),
            "new": report.created,
            "updated": report.updated,
            "people": people,
            "memberships": memberships,
        }
    )


@transaction.atomic
def _load_people(rows: list[dict], known: set[str]) -> int:
    by_kind_province: dict[tuple[str, str], str] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        by_kind_province.setdefault((row["kind"], row["province"]), row["id"])
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=set(by_kind_province.values()))}
    caps = {c.code: c for c in Capability.objects.filter(code__in=known)}
    existing = {p.slug: p for p in Person.objects.prefetch_related("capabilities")}
    for spec in PEOPLE:
        affiliation = None
        if spec["affiliation"]:
            affiliation = orgs.get(by_kind_province.get((spec["affiliation"], spec["province"]), ""))
        fields = {
            "name": spec["name"],
            "kind": spec["kind"],
            "province": spec["province"],
            "city_name": spec["city_name"],
            "bio": spec["bio"],
            "affiliation": affiliation,
        }
        person = existing.get(spec["slug"])
        if person is None:
            person = Person(slug=spec["slug"], **fields)
            person.full_clean()
            person.save()
        elif any(getattr(person, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(person, k, v)
            person.full_clean()
            person.save()
        wanted = {caps[c].pk for c in spec["capabilities"] if c in caps}
        if {c.pk for c in person.capabilities.all()} != wanted:
            person.capabilities.set(wanted)
    return len(PEOPLE)


def _load_memberships() -> int:
    specs = [u for u in DEMO_USERS if u.organization]
    users = {u.email: u for u in User.objects.filter(email__in=[s.email for s in specs])}
    orgs = {o.slug: o for o in Organization.objects.filter(slug__in=[s.organization for s in specs])}
    current = {
        (m.user_id, m.organization_id): m.role
        for m in OrganizationMembership.objects.filter(user__in=users.values(), organization__in=orgs.values())
    }
    n = 0
    for spec in specs:
        user, org = users.get(spec.email), orgs.get(spec.organization)
        if user is None or org is None:
            continue
        role = OrganizationMembership.Role.MEMBER if spec.role == "org_member" else OrganizationMembership.Role.ADMIN
        if current.get((user.pk, org.pk)) != role:
            services.membership_add(organization=org, user=user, role=role)
        n += 1
    return n


def report(*, stdout) -> None:
    """After `hamafza demo`: the demo accounts, naming the organizations they belong to."""
    slugs = {u.organization for u in DEMO_USERS if u.organization}
    names = {o.slug: o.display_name for o in Organization.objects.filter(slug__in=slugs)}
    accounts_demo.print_accounts(stdout=stdout, organization_names=names)
