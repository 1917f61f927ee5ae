"""Engine behaviour: eligibility, explanations, incremental updates (no Django, no database)."""

import datetime as dt
import json

import pytest

from hamafza.core.text import fold
from hamafza.matching.engine import ChallengeDoc, Eligibility, Engine, Match, OrgDoc
from hamafza.matching.engine.analysis import raw_tokens

TODAY = dt.date(2025, 6, 1)

ORGS = [
    OrgDoc(
        "leak-fa",
        "آب‌یاب",
        "knowledge_based_company",
        "Shiraz",
        "Fars",
        "نشت‌یابی صوتی شبکه توزیع آب و کاهش آب بدون درآمد با لاگرهای صوتی",
        knowledge_based=True,
    ),
    OrgDoc(
        "leak-en",
        "AquaTrace",
        "startup",
        "Tabriz",
        "East Azerbaijan",
        "Acoustic leak detection and pressure management that cut non-revenue water for utilities",
    ),
    OrgDoc(
        "leak-expired",
        "OldLeak",
        "knowledge_based_company",
        "Shiraz",
        "Fars",
        "Leak detection with acoustic loggers and correlators for water mains",
        knowledge_based=True,
        certificate_valid_until=dt.date(2024, 1, 1),
    ),
    OrgDoc(
        "seo",
        "RankUp",
        "sme",
        "Tehran",
        "Tehran",
        "SEO agency: we grow website traffic and conversions for online shops",
    ),
    OrgDoc(
        "bins", "سطل‌نو", "startup", "Karaj", "Alborz", "سطل هوشمند با حسگر سطح پر شدن مخزن برای جمع‌آوری به‌موقع پسماند"
    ),
    OrgDoc(
        "signals",
        "GreenWave",
        "sme",
        "Karaj",
        "Alborz",
        "Adaptive traffic signal control for congested intersections",
        verified=True,
        track_record=3,
    ),
]

LEAK_CH = ChallengeDoc(
    "ch-leak",
    "Shiraz",
    "Fars",
    "هدررفت آب",
    "ترکیدگی لوله‌ها زیاد شده و بخش بزرگی از آب شرب در شبکه هدر می‌رود؛ محل نشت را پیدا نمی‌کنیم.",
)


@pytest.fixture()
def engine(tmp_path):
    eng = Engine(index_dir=tmp_path / "idx", use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS)
    return eng


def ids(matches):
    return [m.organization for m in matches]


def test_bilingual_match_and_distractor(engine):
    got = ids(engine.match_challenge(LEAK_CH, top=10))
    assert set(got[:3]) >= {"leak-fa", "leak-en"}
    assert "seo" not in got[:3]


def test_province_filter_is_hard(engine):
    ch = ChallengeDoc(
        LEAK_CH.id,
        LEAK_CH.city,
        LEAK_CH.province,
        LEAK_CH.title,
        LEAK_CH.description,
        eligibility=Eligibility(provinces=["Fars"]),
    )
    got = engine.match_challenge(ch, top=10)
    assert got and all(engine._orgs[m.organization].province == fold("Fars") for m in got)
    assert "leak-en" not in ids(got)


def test_expired_certificate_is_never_ranked(engine):
    ch = ChallengeDoc(
        "kb",
        "Shiraz",
        "Fars",
        "Leaks",
        "Pipe bursts and water losses in the network",
        eligibility=Eligibility(knowledge_based_only=True, closing_date=dt.date(2025, 7, 1)),
    )
    got = ids(engine.match_challenge(ch, top=10))
    assert "leak-fa" in got
    assert "leak-expired" not in got and "leak-en" not in got
    # the same organization is eligible when its certificate is still valid on the closing date
    ch.eligibility.closing_date = dt.date(2023, 12, 1)
    assert "leak-expired" in ids(engine.match_challenge(ch, top=10))


def test_kinds_and_extra_filters(engine):
    ch = ChallengeDoc("k", "", "", "Leaks", "Water leak detection", eligibility=Eligibility(kinds=["startup"]))
    assert ids(engine.match_challenge(ch)) == ["leak-en"] or set(ids(engine.match_challenge(ch))) <= {"leak-en", "bins"}
    got = ids(engine.match_challenge(LEAK_CH, filters={"provinces": ["Tehran"]}))
    assert set(got) <= {"seo"}


def test_explanations_are_truthful_and_serialisable(engine):
    texts = {o.id: o.text for o in ORGS}
    for m in engine.match_challenge(LEAK_CH, top=5):
        assert isinstance(m, Match)
        e = m.explanation
        json.dumps(e)
        assert abs(sum(s["points"] for s in e["signals"].values()) - m.score) < 1e-3
        # words are compared as folded token sequences (punctuation dropped; a suffix written with
        # a space, e.g. "لوله ها", is shown glued as "لولهها")
        ch_fold = "".join(raw_tokens(LEAK_CH.text))
        org_fold = "".join(raw_tokens(texts[m.organization]))
        for w in e["matched_words"]:
            assert w["challenge"] in ch_fold and w["organization"] in org_fold
        for c in e["capabilities"]:
            assert c["source"] in ("declared", "inferred") and c["name_fa"] and c["name_en"]
            for ev in c["challenge_evidence"]:
                assert ev.replace(" ", "") in ch_fold
            for ev in c["organization_evidence"]:
                assert ev.replace(" ", "") in org_fold
    top = engine.match_challenge(LEAK_CH, top=1)[0]
    assert any(c["code"] == "water.leak" for c in top.explanation["capabilities"])


def test_declared_counts_more_than_inferred(engine):
    q = ChallengeDoc("sig", "", "", "Queues at junctions", "Long queues at signalized intersections")
    before = {m.organization: m.score for m in engine.match_challenge(q)}
    engine.upsert_organization(
        OrgDoc(
            "signals2",
            "GreenWave2",
            "sme",
            "Karaj",
            "Alborz",
            "Traffic signal timing",
            capabilities=["traffic.signals"],
            verified=True,
            track_record=3,
        )
    )
    after = {m.organization: m.score for m in engine.match_challenge(q)}
    assert after["signals2"] > before["signals"] * 0.9
    m = [m for m in engine.match_challenge(q) if m.organization == "signals2"][0]
    assert any(c["source"] == "declared" for c in m.explanation["capabilities"])


def test_upsert_then_find_and_remove(engine, tmp_path):
    new = OrgDoc(
        "new-compost",
        "Kompost",
        "startup",
        "Rasht",
        "Gilan",
        "Composting of food waste and green waste with in-vessel composters",
    )
    ch = ChallengeDoc("c", "Rasht", "Gilan", "پسماند تر", "Food waste from markets and composting")
    assert "new-compost" not in ids(engine.match_challenge(ch))
    engine.upsert_organization(new)
    assert ids(engine.match_challenge(ch))[0] == "new-compost"
    # the on-disk index is reopened with the same content
    reopened = Engine(index_dir=tmp_path / "idx", use_embeddings=False, today=TODAY)
    assert "new-compost" in reopened and len(reopened) == len(ORGS) + 1
    assert ids(reopened.match_challenge(ch))[0] == "new-compost"
    # upsert replaces (no duplicate) and removal is immediate
    engine.upsert_organization(new)
    assert ids(engine.match_challenge(ch)).count("new-compost") == 1
    assert engine.remove_organization("new-compost")
    assert "new-compost" not in ids(engine.match_challenge(ch))
    assert not engine.remove_organization("new-compost")


def test_rank_for_capabilities_in_unit_range(engine):
    got = engine.rank_for_capabilities(["water.leak"], top=10)
    assert got and {m.organization for m in got[:2]} <= {"leak-fa", "leak-en", "leak-expired"}
    assert all(0.0 <= m.score <= 1.0 for m in got)
    got = engine.rank_for_capabilities(["water.leak"], eligibility={"provinces": ["Fars"]})
    assert all(m.organization in ("leak-fa", "leak-expired") for m in got)


def test_ranking_without_explanations_keeps_the_order(engine):
    """The directory's search asks for the order only (explain=False): same organizations, same
    scores, same order, and no explanation built."""
    full = engine.rank_for_capabilities([], text="leak detection water pipes", top=20)
    bare = engine.rank_for_capabilities([], text="leak detection water pipes", top=20, explain=False)
    assert full and [(m.organization, m.score) for m in bare] == [(m.organization, m.score) for m in full]
    assert all(m.explanation for m in full) and not any(m.explanation for m in bare)


def test_match_organization_calls_for_you(engine):
    chs = [
        LEAK_CH,
        ChallengeDoc("ch-bins", "Karaj", "Alborz", "مخازن پر", "مخازن زباله لبریز می‌شوند و زباله کنار مخزن می‌ریزد"),
        ChallengeDoc(
            "ch-closed",
            "Karaj",
            "Alborz",
            "Leaks",
            "water leak detection",
            eligibility=Eligibility(closing_date=dt.date(2020, 1, 1)),
        ),
        ChallengeDoc(
            "ch-far", "Rasht", "Gilan", "Leaks", "water leak detection", eligibility=Eligibility(provinces=["Gilan"])
        ),
    ]
    got = engine.match_organization(ORGS[1], chs, top=5)
    assert got[0].challenge == "ch-leak"
    assert "ch-closed" not in [c.challenge for c in got] and "ch-far" not in [c.challenge for c in got]
    json.dumps([c.to_dict() for c in got])
    assert engine.match_organization("bins", chs)[0].challenge == "ch-bins"


def test_infer_capabilities_api(engine):
    out = engine.infer_capabilities("Smart parking sensors show free parking spaces")
    assert out[0][0] == "mobility.parking" and 0 < out[0][1] <= 1 and out[0][2]


def test_taxonomy_as_dict(taxonomy):
    eng = Engine(taxonomy=dict(taxonomy.data), use_embeddings=False)
    eng.add_organizations(ORGS[:2])
    assert len(eng) == 2
