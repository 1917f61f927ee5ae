"""A cross-lingual word bridge learned from the shipped embedding model (ADR 0031).

The text signal ("words in common") cannot fire between a Persian challenge and an English
organization. The synonym lists of the taxonomy bridge only the words they were written from; this
bridge covers the corpus's own words. At index build the frequent words of the organizations'
texts are embedded once with the same e5 model (a word's most frequent surface form), and each
word is paired with its translation in the other script: bilingual lexicon induction as in
Conneau et al. 2018 ("Word translation without parallel data"), with no training:

* each language's word vectors are centred on their own mean and renormalised (the language
  offset that e5 carries is removed, as in ADR 0026's language directions, but from the words
  themselves);
* similarities are read through CSLS (cross-domain similarity local scaling:
  ``2 cos(x, y) - r(x) - r(y)``, where ``r`` is a word's mean similarity to its ``CSLS_K`` nearest
  words of the other language), which discounts "hub" words that are near everything;
* a pair is kept only when each word is the other's nearest by CSLS (mutual nearest neighbours),
  so a word whose translation is not in the corpus gets no pair rather than a wrong one.

A query's words then reach the organizations that use the paired words, weighted below an exact
match (``WEIGHT``). Nothing here is computed per query: the pairs are a dictionary from a stem to
its paired stems, stored with the index; a query looks its terms up.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from .analysis import Analysed, is_persian_token, is_stopword

MIN_DF = 2  # a word must appear in at least this many organizations to be bridged
MAX_SHARE = 0.25  # words in more than this share of the organizations are too generic (scoring.GENERIC_DF)
MAX_WORDS = 20_000  # per language, the most frequent (bounds the build's embedding cost)
MIN_LEN = 3
CSLS_K = 10
MIN_CSLS = 0.0  # pairs with a lower CSLS are dropped (0.1-0.2 measured on dev: no gain, ADR 0031)
WEIGHT = 0.7  # a bridged word's query weight, relative to the word it comes from (scoring.BRIDGE_WEIGHT)
VERSION = 1
WORD_BRIDGE_FILE = "word_bridge.json"  # beside an on-disk index (ADR 0031)


class Vocabulary:
    """Document frequencies of the stems of a corpus and each stem's most frequent surface word."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.surface: dict[str, Counter[str]] = {}
        self.docs = 0

    def add(self, an: Analysed) -> None:
        self.docs += 1
        seen = set()
        for tok, st in zip(an.tokens, an.stems, strict=True):
            if len(tok) < MIN_LEN or is_stopword(tok) or is_stopword(st) or not tok.replace("\u200c", "").isalpha():
                continue
            self.surface.setdefault(st, Counter())[tok] += 1
            seen.add(st)
        self.df.update(seen)

    def words(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(stem, surface word) of the bridgeable words: (English, Persian), most frequent first."""
        limit = max(MIN_DF, MAX_SHARE * self.docs) if self.docs >= 50 else float("inf")
        en: list[tuple[str, str]] = []
        fa: list[tuple[str, str]] = []
        for st, df in sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0])):
            if df < MIN_DF or df > limit:
                continue
            word = self.surface[st].most_common(1)[0][0]
            side = fa if is_persian_token(word) else en
            if len(side) < MAX_WORDS:
                side.append((st, word))
        return en, fa


def _centred(v: np.ndarray) -> np.ndarray:
    v = v.astype(np.float32) - v.mean(axis=0, keepdims=True)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)


def _top_k(block: np.ndarray, k: int) -> np.ndarray:
    """Each row's k largest entries (unordered)."""
    k = min(k, block.shape[1])
    return np.partition(block, block.shape[1] - k, axis=1)[:, -k:]


def induce_pairs(
    en_vecs: np.ndarray, fa_vecs: np.ndarray, k: int = CSLS_K, block: int = 512
) -> list[tuple[int, int, float]]:
    """(English row, Persian row, CSLS) of the mutual nearest neighbours by CSLS.

    Two passes over blocks of English rows (memory: a few ``block`` x the Persian words floats): the first
    finds each word's mean similarity to its k nearest words of the other language (for the
    Persian words, a running top k per column), the second each English word's best Persian word
    and each Persian word's best English word by CSLS."""
    if len(en_vecs) == 0 or len(fa_vecs) == 0:
        return []
    e, f = _centred(en_vecs), _centred(fa_vecs)
    ne, nf = len(e), len(f)
    kk = min(k, ne)
    r_e = np.empty(ne, dtype=np.float32)
    col_top = np.full((kk, nf), -np.inf, dtype=np.float32)  # the Persian words' k best so far
    for i in range(0, ne, block):
        sims = e[i : i + block] @ f.T
        r_e[i : i + len(sims)] = _top_k(sims, k).mean(axis=1)
        both = np.concatenate([col_top, sims], axis=0)
        col_top = np.partition(both, len(both) - kk, axis=0)[-kk:]
    r_f = col_top.mean(axis=0)
    best_f = np.empty(ne, dtype=np.int64)
    best_e = np.zeros(nf, dtype=np.int64)
    best_e_val = np.full(nf, -np.inf, dtype=np.float32)
    for i in range(0, ne, block):
        csls = e[i : i + block] @ f.T
        csls *= 2.0
        csls -= r_e[i : i + block, None]
        csls -= r_f[None, :]
        best_f[i : i + len(csls)] = np.argmax(csls, axis=1)
        arg = np.argmax(csls, axis=0)
        val = csls[arg, np.arange(nf)]
        better = val > best_e_val
        best_e[better] = arg[better] + i
        best_e_val[better] = val[better]
    out = []
    for i, j in enumerate(best_f):
        if best_e[j] == i:
            out.append((i, int(j), float(2.0 * (e[i] @ f[j]) - r_e[i] - r_f[j])))
    return out


class WordBridge:
    """stem -> its paired stems in the other language."""

    def __init__(self, pairs: Mapping[str, list[str]] | None = None, words: Mapping[str, str] | None = None):
        self.pairs: dict[str, list[str]] = {k: list(v) for k, v in (pairs or {}).items()}
        self.words: dict[str, str] = dict(words or {})  # stem -> the surface word that was embedded

    def __len__(self) -> int:
        return sum(len(v) for v in self.pairs.values())

    @classmethod
    def build(
        cls,
        vocab: Vocabulary,
        embed: Callable[[list[str]], np.ndarray],
        cache: dict[str, np.ndarray] | None = None,
    ) -> WordBridge:
        """Embed the vocabulary's words (those not in ``cache``, which receives them) and pair them."""
        en, fa = vocab.words()
        cache = {} if cache is None else cache
        todo = [w for _, w in en + fa if w not in cache]
        if todo:
            for w, v in zip(todo, embed(todo), strict=True):
                cache[w] = np.asarray(v, dtype=np.float32)
        if not en or not fa:
            return cls({}, {})
        ev = np.stack([cache[w] for _, w in en])
        fv = np.stack([cache[w] for _, w in fa])
        pairs: dict[str, list[str]] = {}
        for i, j, score in induce_pairs(ev, fv):
            if score < MIN_CSLS:
                continue
            pairs.setdefault(en[i][0], []).append(fa[j][0])
            pairs.setdefault(fa[j][0], []).append(en[i][0])
        words = {st: w for st, w in en + fa if st in pairs}
        return cls(pairs, words)

    def expand(self, terms: Mapping[str, float], weight: float = WEIGHT) -> dict[str, float]:
        """The query's terms plus their paired terms at ``weight`` × theirs (an exact term keeps
        its own weight)."""
        out = dict(terms)
        for t, w in terms.items():
            for u in self.pairs.get(t, ()):
                if u not in terms:
                    out[u] = max(out.get(u, 0.0), weight * w)
        return out

    def paired(self, stem: str) -> list[str]:
        return self.pairs.get(stem, [])

    # -- storage (beside the index) ----------------------------------------------------------------
    def to_json(self) -> dict:
        return {"version": VERSION, "pairs": self.pairs, "words": self.words}

    @classmethod
    def from_json(cls, data: Mapping) -> WordBridge | None:
        if not isinstance(data, Mapping) or data.get("version") != VERSION:
            return None
        return cls(data.get("pairs") or {}, data.get("words") or {})

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> WordBridge | None:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None


def vocabulary_of(analysed: Iterable[Analysed]) -> Vocabulary:
    voc = Vocabulary()
    for an in analysed:
        voc.add(an)
    return voc
