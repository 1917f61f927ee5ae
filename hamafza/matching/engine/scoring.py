"""Scoring: candidates from the index (capabilities, BM25 text, optionally embeddings), the
capability overlap, the bonuses and the final score (see core.py for the formula and
docs/decisions/0005-matching-engine.md)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np

from . import semantic
from .analysis import Analysed, lexical_terms, stem
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
PRF_VECTOR = 0.0  # the share of the first-pass organizations' mean profile in the second pass's (measured, off)
PRF_FLOOR = 0.05  # re-estimated capabilities weaker than this are dropped
# Word feedback (ADR 0035, RM3: Lavrenko & Croft 2001, Abdul-Jaleel et al. 2004, with the usual
# defaults fixed in advance): the best PRF_DOCS first-pass organizations' words, weighted by
# score x term frequency / length, give the PRF_TERMS strongest terms (content words that at least
# two organizations use and no more than GENERIC_DF); the query's text terms keep 1 - PRF_TERM_SHARE
# of the mass, the feedback terms PRF_TERM_SHARE, and both go through the word bridge. The second
# pass adds the feedback terms' text scores to the first pass's. Only with the semantic signal on
# (on dev: with embeddings +0.005 nDCG@10, in lexical mode -0.007). Off by default (ADR 0035): its
# dev gain is one or two organizations, dev2 (written like the held-out set) lost with it, and it
# costs about 2-3 ms of CPU per query; kept as a measured option.
WORD_FEEDBACK = False
PRF_TERMS = 10
PRF_TERM_SHARE = 0.5


SEM_MODE = "profile"  # "cosine": the raw e5 cosine (the first engine); "neutral": the cosine without the
# language directions; "both": profile and neutral cosine, SEM_MIX : 1 - SEM_MIX
SEM_MIX = 0.5
SEM_QUERY_MIN = 1e-3  # query profile entries below this share of its largest are not read
SEM_CUT = 0.05  # organizations below this share of the best similarity are not semantic candidates
LANGUAGE_RANK = 1
# the other language's organizations: the semantic signal stands in for their words in common
# (measured, off: ADR 0026)
LANGUAGE_FAIR = False
_ARABIC = re.compile(r"[\u0600-\u06FF]")
PROFILE_T = 150.0
BRIDGE_WEIGHT = 0.7  # a word reached through the word bridge, relative to the query word (ADR 0031)
# Capabilities read from the challenge's words through the word bridge (ADR 0035): the query's stems
# replaced by their paired stems are read by the taxonomy again (its synonym lists differ between the
# languages), a capability found only so joins at BRIDGE_WEIGHT x its relative confidence
BRIDGE_CAPS = False
# How the three signals are combined: "sum" (the weighted sum of their values) or "rrf" (measured,
# ADR 0035: weighted reciprocal-rank fusion, each signal's rank r among the candidates counting
# weight x (RRF_K + 1) / (RRF_K + r), Cormack et al. 2009's k = 60)
FUSION = "sum"
RRF_K = 60
RRF_CAPABILITY = True  # False: only the text and semantic lists are fused, the capability value is added


class Scoring:
    """The scoring part of ``Engine`` (needs the index ``self.backend``, the records ``self._orgs``,
    the taxonomy and the eligibility and explanation parts)."""

    def _cap_plan(self, q: Mapping[str, float]) -> tuple[list[tuple[str, float, str | None]], float]:
        """A query's capabilities prepared once for scoring many organizations: (code, weight²,
        domain) and the sum of the squared weights."""
        dom_of = self.taxonomy.domain_of
        items = [(code, qw * qw, dom_of(code)) for code, qw in q.items()]
        return items, sum(w for _, w, _ in items)

    def _cap_score(self, q: Mapping[str, float], rec_caps, plan=None) -> tuple[float, list[tuple[str, float, str]]]:
        items, denom = plan if plan is not None else self._cap_plan(q)
        if not denom:
            return 0.0, []
        total = 0.0
        parts = []
        best_by_dom = None
        for code, qq, dom in items:
            o = rec_caps.get(code)
            if o is not None:
                v = qq * o[0]
                total += v
                parts.append((code, v / denom, "exact"))
                continue
            if best_by_dom is None:
                # the organization's strongest capability in each domain (the first on ties)
                best_by_dom = {}
                dom_of = self.taxonomy.domain_of
                for oc, (ow, _, _) in rec_caps.items():
                    d = dom_of(oc)
                    cur = best_by_dom.get(d)
                    if cur is None or ow > cur[0]:
                        best_by_dom[d] = (ow, oc)
            best = best_by_dom.get(dom)
            if best is not None and best[0] > 0.0:
                v = DOMAIN_CREDIT * qq * best[0]
                total += v
                parts.append((best[1], v / denom, "domain:" + code))
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

    def _query_terms(self, terms: Counter, feedback: Mapping[str, float] | None = None) -> dict[str, float]:
        """The query's text terms and weights: with word feedback (ADR 0035) the query's terms
        keep 1 - PRF_TERM_SHARE of the weight and the feedback terms get PRF_TERM_SHARE (each side
        relative to its own sum, as in RM3); with the word bridge (ADR 0031) each term's pairs
        in the other language join at BRIDGE_WEIGHT x its weight (also for a term no organization
        uses: its translation may be used); then the terms no organization uses and the generic
        ones are dropped, and the rarest MAX_QUERY_TERMS kept."""
        n = max(1, self.backend.num_docs())
        weights = {t: 1.0 + math.log(tf) for t, tf in terms.items()}
        if feedback:
            # rescaled so that the query's own terms keep their weights
            qsum, fsum = sum(weights.values()) or 1.0, sum(feedback.values()) or 1.0
            top = max(weights.values(), default=1.0)
            mixed = {t: (1.0 - PRF_TERM_SHARE) * w / qsum for t, w in weights.items()}
            for t, w in feedback.items():
                mixed[t] = mixed.get(t, 0.0) + PRF_TERM_SHARE * w / fsum
            scale = top / ((1.0 - PRF_TERM_SHARE) * top / qsum) if weights else 1.0 / max(mixed.values())
            weights = {t: w * scale for t, w in mixed.items()}
        if self.word_bridge is not None:
            weights = self.word_bridge.expand(weights, BRIDGE_WEIGHT)
        scored = []
        for t, w in weights.items():
            df = self.backend.doc_freq("text", t)
            if df == 0 or (n >= 50 and df / n > GENERIC_DF):
                continue
            scored.append((df, t, w))
        scored.sort()
        return {t: w for _, t, w in scored[:MAX_QUERY_TERMS]}

    def _matrix_view(self) -> tuple[np.ndarray | None, list[str]]:
        """The stored vectors as one matrix (rows: organizations), or their capability profiles."""
        if self._matrix is None and self._vecs:
            self._matrix_ids = list(self._vecs)
            self._matrix_pos = {oid: i for i, oid in enumerate(self._matrix_ids)}
            mat = np.stack([self._vecs[i] for i in self._matrix_ids]).astype(np.float32)
            self._matrix = self._semantic_rows(mat)
            self._matrix_t = np.ascontiguousarray(self._matrix.T)  # capability-major, for the scan
            self._matrix_fa = self._persian_side(mat)
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

    def _persian_side(self, vecs: np.ndarray) -> np.ndarray:
        """Whether each vector (row) lies on the Persian side of the language direction: the
        mean difference of the Persian and English descriptions of the same capabilities, cut
        half-way between the two sets of descriptions (from the taxonomy alone)."""
        if self._cap_space is None:
            self._cap_space = semantic.capability_matrix(self.taxonomy)
        mat = self._cap_space[1]
        d = (mat[1] - mat[0]).mean(axis=0)
        d /= np.linalg.norm(d)
        cut = 0.5 * float((mat[1] @ d).mean() + (mat[0] @ d).mean())
        return (vecs @ d) > cut

    def _language_basis(self) -> np.ndarray:
        if self._cap_space is None:
            self._cap_space = semantic.capability_matrix(self.taxonomy)
        if getattr(self, "_lang_basis", None) is None:
            self._lang_basis = semantic.language_basis(self._cap_space[1], LANGUAGE_RANK)
        return self._lang_basis

    def _semantic_rows(self, vecs: np.ndarray) -> np.ndarray:
        """What the semantic signal compares, for vectors (rows): their capability profiles, their
        language-neutral vectors, or both side by side (the dot product then adds the two)."""
        if SEM_MODE == "profile":
            return self._profiles(vecs)
        if SEM_MODE == "cosine":
            return vecs
        neu = semantic.neutral(vecs, self._language_basis())
        if SEM_MODE == "neutral":
            return neu
        a = math.sqrt(SEM_MIX)
        b = math.sqrt(1.0 - SEM_MIX)
        return np.hstack([a * self._profiles(vecs), b * neu]).astype(np.float32)

    def _feedback_caps(self, q: _Query, first: list[tuple]) -> dict[str, float]:
        """The query's capabilities re-estimated from the best first-pass organizations (Rocchio
        in capability space): each capability's weight becomes (1 - PRF_WEIGHT) x the query's
        (relative to its strongest) + PRF_WEIGHT x the share of the feedback mass (the first
        PRF_DOCS organizations' capability weights times their scores, relative to its strongest;
        shares below PRF_MIN_SHARE count 0). The best first-pass organizations are mostly found
        by words in the query's language; their capabilities, declared or read from their own
        texts, then find the organizations of the other language that hold them."""
        mass: dict[str, float] = {}
        for score, _oid, r, *_ in first[:PRF_DOCS]:
            for code, (w, _declared, _ev) in r.caps.items():
                mass[code] = mass.get(code, 0.0) + score * w
        if not mass or not q.caps:
            return dict(q.caps)
        top_mass = max(mass.values()) or 1.0
        top_q = max(q.caps.values()) or 1.0
        out = {}
        for code in set(q.caps) | set(mass):
            share = mass.get(code, 0.0) / top_mass
            if share < PRF_MIN_SHARE:
                share = 0.0
            w = (1.0 - PRF_WEIGHT) * q.caps.get(code, 0.0) / top_q + PRF_WEIGHT * share
            if w >= PRF_FLOOR or code in q.declared:
                out[code] = w
        return out

    def _org_terms(self, r: _OrgRec) -> Counter:
        """An organization's text terms (from its stored folded tokens)."""
        payload = self.backend.get_payload(r.id, r.key) or {}
        toks = (payload.get("tokens") or "").split()
        return Counter(lexical_terms(Analysed(tuple(toks), tuple(stem(t) for t in toks))))

    def _feedback_terms(self, first: list[tuple]) -> dict[str, float]:
        """Word feedback (RM3): the PRF_TERMS strongest terms of the best PRF_DOCS first-pass
        organizations, each weighted by the sum of score x term frequency / the organization's
        number of terms; only terms that at least two organizations use (one used by a single
        organization can find no other) and at most GENERIC_DF of them."""
        mass: dict[str, float] = {}
        for score, _oid, r, *_ in first[:PRF_DOCS]:
            terms = self._org_terms(r)
            size = sum(terms.values())
            for t, tf in terms.items():
                mass[t] = mass.get(t, 0.0) + score * tf / size
        n = max(1, self.backend.num_docs())
        out: dict[str, float] = {}
        for t, w in sorted(mass.items(), key=lambda kv: (-kv[1], kv[0])):
            df = self.backend.doc_freq("text", t)
            if df < 2 or (n >= 50 and df / n > GENERIC_DF):
                continue
            out[t] = w
            if len(out) >= PRF_TERMS:
                break
        return out

    def _feedback_text(self, q: _Query, reuse: dict, flt) -> list[tuple[str | None, float]]:
        """The text candidates with the feedback terms: BM25 adds up over a query's terms, so only
        the weight the feedback added to each term (new terms, and their bridge pairs) is searched
        and its scores are added to the first pass's; the best CAND_TEXT of the sum are kept (an
        organization outside one of the two lists counts 0 there)."""
        base = reuse.get("text_terms") or {}
        full = self._query_terms(q.terms, q.feedback_terms)
        delta = {t: w - base.get(t, 0.0) for t, w in full.items() if w > base.get(t, 0.0) + 1e-9}
        merged: dict[str, float] = {oid: score for oid, score in reuse["text"] if oid is not None}
        for key, score in self.backend.search("text", delta, flt, CAND_TEXT):
            oid = self._by_key.get(key)
            if oid is not None:
                merged[oid] = merged.get(oid, 0.0) + score
        return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:CAND_TEXT]

    def _rank(
        self, q: _Query, top: int, weights: Mapping[str, float], explain: bool = True, feedback: bool = False
    ) -> list[Match]:
        reuse: dict = {}
        if feedback and q.caps:
            first = self._rank_scored(q, max(top, PRF_DOCS), weights, reuse)
            if WORD_FEEDBACK and weights.get("text", 0) > 0 and weights.get("semantic", 0) > 0 and first:
                q.feedback_terms = self._feedback_terms(first)  # the second pass adds their text scores
            caps = self._feedback_caps(q, first)
            for code in caps:
                if code not in q.caps:
                    q.sources[code] = "feedback"
            q.caps = caps
            if PRF_VECTOR > 0 and "semantic" in reuse:
                # the same feedback in the semantic space: the query's profile moves towards
                # those of the best first-pass organizations, and the nearest are searched again
                pos = self._matrix_pos
                rows = [pos[oid] for _s, oid, *_ in first[:PRF_DOCS] if oid in pos]
                if rows:
                    reuse["feedback_rows"] = rows
                    del reuse["semantic"]
        scored = self._rank_scored(q, top, weights, reuse)
        out = []
        for score, oid, r, cap, cap_parts, lex, sem, bonus, _rel, w in scored[:top]:
            expl = self._explain(q, r, score, cap, cap_parts, lex, sem, bonus, w) if explain else {}
            out.append(Match(oid, float(score), expl))
        return out

    def _semantic_candidates(self, q: _Query, elig, prep, feedback_rows=None) -> tuple[np.ndarray, list[str]]:
        """(similarity of every stored vector to the query's, the CAND_SEM nearest eligible
        organizations): a brute-force product of the query with the matrix of all stored vectors'
        profiles, then a partial sort.

        A capability profile is sharply peaked, so the query's profile has a few entries that
        matter: the product reads only the matrix's rows (stored capability-major) of the entries
        above SEM_QUERY_MIN x its largest (the others change a similarity by less than that
        share), each a contiguous run of N floats, without BLAS threads (which stall on a loaded
        machine). The partial sort runs over the organizations above SEM_CUT x the best similarity
        (those below would get no semantic points anyway)."""
        qv = semantic.embed_query(q.text)
        self._matrix_view()
        mt, ids = self._matrix_t, self._matrix_ids
        qrow = self._semantic_rows(qv[None, :])[0]
        if feedback_rows:
            fb = self._matrix[feedback_rows].mean(axis=0)
            qrow = (1.0 - PRF_VECTOR) * qrow + PRF_VECTOR * fb / max(float(np.linalg.norm(fb)), 1e-6)
        mag = np.abs(qrow)
        keep = np.flatnonzero(mag >= SEM_QUERY_MIN * float(mag.max())) if len(mag) else []
        allsims = np.zeros(mt.shape[1], dtype=np.float32)
        for j in keep:
            allsims += float(qrow[j]) * mt[j]
        k = min(len(ids), CAND_SEM * 4)
        best = float(allsims.max()) if len(allsims) else 0.0
        pool = np.flatnonzero(allsims >= SEM_CUT * best) if best > 0 else np.arange(len(allsims))
        if len(pool) > k:
            pool = pool[np.argpartition(-allsims[pool], k - 1)[:k]]
        out: list[str] = []
        for i in pool[np.argsort(-allsims[pool], kind="stable")]:
            oid = ids[i]
            rec = self._orgs.get(oid)
            if rec is None or not self._eligible(rec, elig, prep):
                continue
            out.append(oid)
            if len(out) >= CAND_SEM:
                break
        return allsims, out

    def _rank_scored(self, q: _Query, top: int, weights: Mapping[str, float], reuse: dict | None = None) -> list[tuple]:
        """Candidates scored, best first. ``reuse``: a dict kept between two passes of the same
        query (feedback changes only its capabilities): the text and semantic candidates are
        searched once."""
        reuse = {} if reuse is None else reuse
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
            if "text" not in reuse:
                qterms = reuse["text_terms"] = self._query_terms(q.terms)
                reuse["text"] = [
                    (self._by_key.get(key), score) for key, score in self.backend.search("text", qterms, flt, CAND_TEXT)
                ]
            if q.feedback_terms and "text_feedback" not in reuse:
                reuse["text_feedback"] = True
                reuse["text"] = self._feedback_text(q, reuse, flt)
            for oid, score in reuse["text"]:
                if oid is not None:
                    cand[oid] = score
        sims: dict[str, float] = {}
        if self.semantic_ready and weights.get("semantic", 0) > 0:
            if "semantic" not in reuse:
                reuse["semantic"] = self._semantic_candidates(q, elig, prep, reuse.get("feedback_rows"))
            allsims, near = reuse["semantic"]
            for oid in near:
                cand.setdefault(oid, 0.0)
            pos = self._matrix_pos
            for oid in cand:
                i = pos.get(oid)
                if i is not None:
                    sims[oid] = float(allsims[i])
        # Python-side eligibility: the authoritative check (once per organization and query)
        checked = reuse.setdefault("eligible", {})
        recs = []
        orgs = self._orgs
        for o in cand:
            r = checked.get(o, False)
            if r is False:
                r = orgs.get(o)
                if r is not None and not self._eligible(r, elig, prep):
                    r = None
                checked[o] = r
            if r is not None:
                recs.append(r)
        if not recs:
            return []
        max_bm25 = max((cand[r.id] for r in recs), default=0.0) or 1.0
        sem_norm: dict[str, float] = {}
        if sims:
            vals = np.array([sims.get(r.id, 0.0) for r in recs])
            mu, mx = float(vals.mean()), float(vals.max())
            span = max(mx - mu, 1e-6)
            sem_norm = {r.id: max(0.0, min(1.0, (sims.get(r.id, mu) - mu) / span)) for r in recs}
        # An organization written in the other language cannot share words with the query: its
        # missing "words in common" are stood in for by the language-neutral semantic signal
        # (the text's weight moves to it), so the text signal does not favour the query's language.
        swapped = None
        if sem_norm and LANGUAGE_FAIR and weights.get("text", 0) > 0:
            q_fa = bool(_ARABIC.search(q.text))
            side, pos = self._matrix_fa, self._matrix_pos
            swapped = {**weights, "text": 0.0, "semantic": weights.get("semantic", 0.0) + weights["text"]}
        scored = []
        plan = self._cap_plan(q.caps)
        bonuses = reuse.setdefault("bonus", {})
        values = []
        for r in recs:
            cap, cap_parts = self._cap_score(q.caps, r.caps, plan)
            values.append((r, cap, cap_parts, cand[r.id] / max_bm25, sem_norm.get(r.id, 0.0)))
        fused = _rrf(values, weights) if FUSION == "rrf" else None
        for k, (r, cap, cap_parts, lex, sem) in enumerate(values):
            w = weights
            if swapped is not None and sem > lex:
                i = pos.get(r.id)
                if i is not None and bool(side[i]) != q_fa:
                    w = swapped
            rel = w["capability"] * cap + w["text"] * lex + w.get("semantic", 0.0) * sem
            if fused is not None and rel >= MIN_RELEVANCE:
                rel = fused[k]
            if rel < MIN_RELEVANCE:
                continue
            got = bonuses.get(r.id)
            if got is None:
                bonus = self._bonus(r, q.city, q.province, elig, on_ord)
                got = bonuses[r.id] = (bonus, 1.0 + sum(bonus.values()))
            bonus, factor = got
            score = rel * factor / (1.0 + MAX_BONUS)
            scored.append((score, r.id, r, cap, cap_parts, lex, sem, bonus, rel, w))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored


def _rrf(values: list[tuple], weights: Mapping[str, float]) -> list[float]:
    """Weighted reciprocal-rank fusion of the candidates' capability, text and semantic values
    (``values``: (record, capability, parts, text, semantic)): each signal's rank r among the
    candidates with a positive value counts weight x (RRF_K + 1) / (RRF_K + r), so the first of
    every signal gets the signal's full weight (measured, off: ADR 0035)."""
    fused = [0.0] * len(values)
    for name, col in (("capability", 1), ("text", 3), ("semantic", 4)):
        w = weights.get(name, 0.0)
        if w <= 0:
            continue
        if name == "capability" and not RRF_CAPABILITY:
            for i, v in enumerate(values):
                fused[i] += w * v[col]
            continue
        order = sorted(
            (i for i, v in enumerate(values) if v[col] > 0), key=lambda i: (-values[i][col], values[i][0].id)
        )
        for rank, i in enumerate(order, start=1):
            fused[i] += w * (RRF_K + 1) / (RRF_K + rank)
    return fused
