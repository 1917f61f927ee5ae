"""Scoring: candidates from the index (capabilities, BM25 text, optionally embeddings), the
capability overlap, the bonuses and the final score (see core.py for the formula and
docs/decisions/0005-matching-engine.md)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np

from . import semantic
from .documents import Eligibility, Match, _OrgRec, _Query

# -- weights ------------------------------------------------------------------------------------
WEIGHTS_WITH_EMBEDDINGS = {"capability": 0.75, "text": 0.15, "semantic": 0.10}
WEIGHTS_LEXICAL_ONLY = {"capability": 0.75, "text": 0.25, "semantic": 0.0}
DOMAIN_CREDIT = 0.2
DECLARED_WEIGHT = 1.0
INFERRED_CAP = 0.85
QUERY_MEANING = 0.6  # a capability read from the query's embedding, relative to the strongest found in its words
ORG_MEANING = 0.6  # the same for an organization (× INFERRED_CAP)
CHALLENGE_CAP_FLOOR = 0.15  # inferred challenge capabilities weaker than this × the strongest are dropped
BONUS = {"city": 0.06, "province": 0.03, "knowledge_based": 0.03, "track_record": 0.03, "verified": 0.02}
MAX_BONUS = BONUS["city"] + BONUS["knowledge_based"] + BONUS["track_record"] + BONUS["verified"]
MIN_RELEVANCE = 0.02

CAND_CAPS = 150
CAND_TEXT = 60
CAND_SEM = 60
MAX_QUERY_TERMS = 64
GENERIC_DF = 0.25  # terms in more than this share of the organizations are too generic to query

# Pseudo-relevance feedback through the capability space: the capabilities that the best
# first-pass organizations share (whatever their language) join the query, scaled down.
PRF_DOCS = 5
PRF_WEIGHT = 0.5  # the feedback capability vector's strongest entry, relative to the query's strongest
PRF_MIN_SHARE = 0.4  # a capability must carry this share of the feedback mass's strongest entry
PRF_MAX_CAPS = 3


SEM_MODE = "profile"  # "cosine": the raw e5 cosine (the first engine), kept for comparison
PROFILE_T = 150.0  # sharpness of the capability profile (softmax temperature)


class Scoring:
    """The scoring part of ``Engine`` (needs the index ``self.backend``, the records ``self._orgs``,
    the taxonomy and the eligibility and explanation parts)."""

    def _cap_score(self, q: Mapping[str, float], rec_caps) -> tuple[float, list[tuple[str, float, str]]]:
        denom = sum(w * w for w in q.values())
        if not denom:
            return 0.0, []
        total = 0.0
        parts = []
        for code, qw in q.items():
            o = rec_caps.get(code)
            if o is not None:
                v = qw * qw * o[0]
                total += v
                parts.append((code, v / denom, "exact"))
                continue
            dom = self.taxonomy.domain_of(code)
            best, best_code = 0.0, None
            dom_of = self.taxonomy.domain_of
            for oc, (ow, _, _) in rec_caps.items():
                if ow > best and dom_of(oc) == dom:
                    best, best_code = ow, oc
            if best_code is not None:
                v = DOMAIN_CREDIT * qw * qw * best
                total += v
                parts.append((best_code, v / denom, "domain:" + code))
        return total / denom, parts

    def _bonus(
        self, rec: _OrgRec, city: str, province: str, elig: Eligibility | None, on_ord: int | None = None
    ) -> dict[str, float]:
        b = {}
        if city and rec.city == city:
            b["locality"] = BONUS["city"]
        elif province and rec.province == province:
            b["locality"] = BONUS["province"]
        if on_ord is None:
            on_ord = (self._cert_date(elig) if elig else self.today).toordinal()
        if rec.kb and (rec.cert is None or rec.cert >= on_ord):
            b["knowledge_based"] = BONUS["knowledge_based"]
        if rec.track > 0:
            b["track_record"] = BONUS["track_record"] * min(1.0, math.log1p(rec.track) / math.log(6))
        if rec.verified:
            b["verified"] = BONUS["verified"]
        return b

    def _query_terms(self, terms: Counter) -> dict[str, float]:
        n = max(1, self.backend.num_docs())
        scored = []
        for t, tf in terms.items():
            df = self.backend.doc_freq("text", t)
            if df == 0 or (n >= 50 and df / n > GENERIC_DF):
                continue
            scored.append((df, t, 1.0 + math.log(tf)))
        scored.sort()
        return {t: w for _, t, w in scored[:MAX_QUERY_TERMS]}

    def _matrix_view(self) -> tuple[np.ndarray | None, list[str]]:
        """The stored vectors as one matrix (rows: organizations), or their capability profiles."""
        if self._matrix is None and self._vecs:
            self._matrix_ids = list(self._vecs)
            self._matrix_pos = {oid: i for i, oid in enumerate(self._matrix_ids)}
            mat = np.stack([self._vecs[i] for i in self._matrix_ids]).astype(np.float32)
            self._matrix = self._profiles(mat) if SEM_MODE == "profile" else mat
        return self._matrix, self._matrix_ids

    def _profiles(self, vecs: np.ndarray) -> np.ndarray:
        """Capability profiles of vectors (rows): a unit vector over the capabilities, sharply
        peaked on those whose descriptions (the closer language) are nearest in meaning. Two texts
        in different languages about the same thing get close profiles even when their raw
        cosine favours a third text in the reader's language."""
        if self._cap_space is None:
            self._cap_space = semantic.capability_matrix(self.taxonomy)
        _codes, mat = self._cap_space
        out = np.empty((len(vecs), mat.shape[1]), dtype=np.float32)
        for i in range(0, len(vecs), 8192):
            chunk = vecs[i : i + 8192]
            s = np.maximum(chunk @ mat[0].T, chunk @ mat[1].T) * PROFILE_T
            e = np.exp(s - s.max(axis=1, keepdims=True))
            out[i : i + len(chunk)] = e / np.linalg.norm(e, axis=1, keepdims=True)
        return out

    def _profile(self, vec: np.ndarray) -> np.ndarray:
        return self._profiles(vec[None, :])[0]

    def _feedback_caps(self, q: _Query, first: list[tuple]) -> dict[str, float]:
        """Capabilities the best first-pass organizations share, not yet in the query:
        code -> weight in (0, PRF_WEIGHT]."""
        mass: dict[str, float] = {}
        for score, _oid, r, *_ in first[:PRF_DOCS]:
            for code, (w, _declared, _ev) in r.caps.items():
                mass[code] = mass.get(code, 0.0) + score * w
        if not mass:
            return {}
        top = max(mass.values())
        new = sorted(((m, c) for c, m in mass.items() if c not in q.caps and m >= PRF_MIN_SHARE * top), reverse=True)
        return {c: PRF_WEIGHT * m / top for m, c in new[:PRF_MAX_CAPS]}

    def _rank(self, q: _Query, top: int, weights: Mapping[str, float], explain: bool = True) -> list[Match]:
        if self.feedback and q.caps:
            first = self._rank_scored(q, max(top, PRF_DOCS), weights)
            extra = self._feedback_caps(q, first)
            if extra:
                q.caps = {**q.caps, **extra}
                for code in extra:
                    q.sources[code] = "feedback"
        scored = self._rank_scored(q, top, weights)
        out = []
        for score, oid, r, cap, cap_parts, lex, sem, bonus, _rel in scored[:top]:
            expl = self._explain(q, r, score, cap, cap_parts, lex, sem, bonus, weights) if explain else {}
            out.append(Match(oid, float(score), expl))
        return out

    def _rank_scored(self, q: _Query, top: int, weights: Mapping[str, float]) -> list[tuple]:
        elig = q.eligibility
        flt = self._filter(elig)
        prep = self._prepare(elig)
        on_ord = (self._cert_date(elig) if elig else self.today).toordinal()
        cand: dict[str, float] = {}  # id -> bm25
        cap_terms: dict[str, float] = {}
        for code, w in q.caps.items():
            cap_terms[code] = cap_terms.get(code, 0.0) + 2.0 * w
            dom = self.taxonomy.domain_of(code)
            if dom:
                cap_terms["domain:" + dom] = max(cap_terms.get("domain:" + dom, 0.0), 0.3 * w)
        for key, _ in self.backend.search("caps", cap_terms, flt, CAND_CAPS):
            oid = self._by_key.get(key)
            if oid is not None:
                cand.setdefault(oid, 0.0)
        if weights.get("text", 0) > 0:
            qterms = self._query_terms(q.terms)
            for key, score in self.backend.search("text", qterms, flt, CAND_TEXT):
                oid = self._by_key.get(key)
                if oid is not None:
                    cand[oid] = score
        sims: dict[str, float] = {}
        if self.semantic_ready and weights.get("semantic", 0) > 0:
            # semantic candidates: the stored organization vectors (or their capability profiles)
            # closest to the query's, a brute-force dot product over all of them
            qv = semantic.embed_query(q.text)
            mat, ids = self._matrix_view()
            allsims = mat @ (self._profile(qv) if SEM_MODE == "profile" else qv)
            k = min(len(ids), CAND_SEM * 4)
            near = np.argpartition(-allsims, k - 1)[:k]
            added = 0
            for i in near[np.argsort(-allsims[near])]:
                oid = ids[i]
                rec = self._orgs.get(oid)
                if rec is None or not self._eligible(rec, elig, prep):
                    continue
                cand.setdefault(oid, 0.0)
                added += 1
                if added >= CAND_SEM:
                    break
            pos = self._matrix_pos
            for oid in cand:
                i = pos.get(oid)
                if i is not None:
                    sims[oid] = float(allsims[i])
        # Python-side eligibility: the authoritative check.
        recs = [self._orgs[o] for o in cand if o in self._orgs and self._eligible(self._orgs[o], elig, prep)]
        if not recs:
            return []
        max_bm25 = max((cand[r.id] for r in recs), default=0.0) or 1.0
        sem_norm: dict[str, float] = {}
        if sims:
            vals = np.array([sims.get(r.id, 0.0) for r in recs])
            mu, mx = float(vals.mean()), float(vals.max())
            span = max(mx - mu, 1e-6)
            sem_norm = {r.id: max(0.0, min(1.0, (sims.get(r.id, mu) - mu) / span)) for r in recs}
        scored = []
        for r in recs:
            cap, cap_parts = self._cap_score(q.caps, r.caps)
            lex = cand[r.id] / max_bm25
            sem = sem_norm.get(r.id, 0.0)
            rel = weights["capability"] * cap + weights["text"] * lex + weights.get("semantic", 0.0) * sem
            if rel < MIN_RELEVANCE:
                continue
            bonus = self._bonus(r, q.city, q.province, elig, on_ord)
            score = rel * (1.0 + sum(bonus.values())) / (1.0 + MAX_BONUS)
            scored.append((score, r.id, r, cap, cap_parts, lex, sem, bonus, rel))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored
