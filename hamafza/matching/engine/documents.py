"""The engine's documents and records: what goes in (organizations, challenges, eligibility rules),
what comes out (matches), and the compact in-memory record of an indexed organization."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from hamafza.core.text import fold

from .analysis import Analysed


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


def _checked_id_and_strings(data: Any, what: str, string_keys: tuple[str, ...]) -> Any:
    """The document's id, after checking that `data` is a JSON object with a non-empty id and that
    the `string_keys` it has are strings (TypeError otherwise)."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{what} must be a JSON object")
    doc_id = data["id"]
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool) or str(doc_id) == "":
        raise TypeError("id must be a non-empty string")
    for key in string_keys:
        if data.get(key) is not None and not isinstance(data.get(key), str):
            raise TypeError(f"{key} must be a string")
    return doc_id


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
        oid = _checked_id_and_strings(
            data,
            "organization",
            ("name", "kind", "city", "province", "description", "description_fa", "description_en"),
        )
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
        cid = _checked_id_and_strings(data, "challenge", ("title", "description", "city", "province"))
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
    # how a capability that was neither declared nor found in the words entered the query:
    # "meaning" (the text's embedding is close to the capability's bilingual description) or
    # "feedback" (the best first-pass organizations share it); absent for the others
    sources: dict[str, str] = field(default_factory=dict)
    # word feedback (ADR 0035): stems of the best first-pass organizations' words that join the
    # query's text terms, with their weights (empty unless the second pass added them)
    feedback_terms: dict[str, float] = field(default_factory=dict)
