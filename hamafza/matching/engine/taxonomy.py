"""The bilingual capability taxonomy and capability inference from free text.

The taxonomy (``hamafza/core/data/taxonomy.json``, or the same shape from the database) lists
domains and capabilities with Persian and English names and synonyms. Every name and synonym is
turned into a *compact key* (its stems concatenated, see :mod:`.analysis`) so that phrase matching
is insensitive to half-spaces, Arabic letters, digits, case and inflection. A Persian challenge and
an English profile therefore meet in one shared space: the capability codes.

Evidence weights (documented in docs/decisions/0005-matching-engine.md):

* a phrase of two or more words weighs 1.0, a single word 0.5 (single words are ambiguous);
* a word or phrase listed in ``weak_terms.json`` (generic: "patients", "dashboard", "park") × 0.4;
* a phrase listed under k capabilities is shared: × 1/sqrt(k);
* at each text position the longest phrase wins (``پارک دوبل`` is parking enforcement, not a park);
* each distinct phrase counts once, repeats add 0.25 each (at most +0.5).

A capability's raw evidence ``s`` becomes a confidence ``1 - exp(-s)`` in [0, 1).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import ANALYZER_VERSION, analyse, compact_key, is_stopword

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parents[2] / "core" / "data" / "taxonomy.json"
_WEAK_PATH = Path(__file__).with_name("weak_terms.json")

MAX_PHRASE_TOKENS = 6
SINGLE_WORD_WEIGHT = 0.5
PHRASE_WEIGHT = 1.0
NAME_WEIGHT = 1.0
WEAK_FACTOR = 0.4
REPEAT_BONUS = 0.25
REPEAT_CAP = 0.5


@dataclass
class Capability:
    code: str
    domain: str
    name_fa: str
    name_en: str
    synonyms_fa: list[str] = field(default_factory=list)
    synonyms_en: list[str] = field(default_factory=list)


@dataclass
class _Phrase:
    key: str
    ntokens: int
    weights: dict[str, float]  # capability code -> evidence weight


class Taxonomy:
    """Domains, capabilities and a phrase matcher over their names and synonyms."""

    def __init__(self, data: Mapping[str, Any], weak_terms: set[str] | None = None):
        if not isinstance(data, Mapping) or not isinstance(data.get("domains"), list):
            raise ValueError("taxonomy: expected a mapping with a 'domains' list")
        self.data = data
        self.domains: dict[str, dict[str, str]] = {}
        self.capabilities: dict[str, Capability] = {}
        for dom in data["domains"]:
            dcode = str(dom["code"])
            self.domains[dcode] = {"code": dcode, "name_fa": dom.get("name_fa", ""), "name_en": dom.get("name_en", "")}
            for cap in dom.get("capabilities") or []:
                code = str(cap["code"])
                self.capabilities[code] = Capability(
                    code=code,
                    domain=dcode,
                    name_fa=cap.get("name_fa", "") or "",
                    name_en=cap.get("name_en", "") or "",
                    synonyms_fa=[str(s) for s in cap.get("synonyms_fa") or []],
                    synonyms_en=[str(s) for s in cap.get("synonyms_en") or []],
                )
        if weak_terms is None:
            weak_terms = _load_weak_terms()
        self._weak_keys = {compact_key(w) for w in weak_terms}
        self._phrases: dict[str, _Phrase] = {}
        self._build_phrases()
        self.fingerprint = hashlib.blake2b(
            (json.dumps(data, ensure_ascii=False, sort_keys=True) + f"#analyzer{ANALYZER_VERSION}").encode("utf-8"),
            digest_size=8,
        ).hexdigest()

    # -- construction -------------------------------------------------------------------------
    def _build_phrases(self) -> None:
        owners: dict[str, dict[str, float]] = {}
        ntok: dict[str, int] = {}
        for cap in self.capabilities.values():
            entries = [(cap.name_fa, True), (cap.name_en, True)]
            entries += [(s, False) for s in cap.synonyms_fa + cap.synonyms_en]
            for text, is_name in entries:
                an = analyse(text)
                stems = [s for s in an.stems if s]
                if not stems or len(stems) > MAX_PHRASE_TOKENS:
                    continue
                content = [t for t in an.tokens if not is_stopword(t)]
                if not content:
                    continue
                key = "".join(stems)
                if len(stems) == 1 and len(key) < 2:
                    continue
                if is_name:
                    w = NAME_WEIGHT
                elif len(content) >= 2:
                    w = PHRASE_WEIGHT
                else:
                    w = SINGLE_WORD_WEIGHT
                if key in self._weak_keys:
                    w *= WEAK_FACTOR
                slot = owners.setdefault(key, {})
                slot[cap.code] = max(slot.get(cap.code, 0.0), w)
                ntok[key] = max(ntok.get(key, 0), len(stems))
        for key, caps in owners.items():
            share = 1.0 / math.sqrt(len(caps))
            self._phrases[key] = _Phrase(key, ntok[key], {c: w * share for c, w in caps.items()})
        # every character prefix of every key: extending a candidate stops as soon as no phrase
        # can start with it (most positions stop after one lookup)
        self._prefixes = {key[:i] for key in self._phrases for i in range(1, len(key) + 1)}

    # -- lookups ------------------------------------------------------------------------------
    def domain_of(self, code: str) -> str | None:
        cap = self.capabilities.get(code)
        return cap.domain if cap else None

    def names(self, code: str) -> dict[str, str]:
        cap = self.capabilities.get(code)
        if not cap:
            return {"name_fa": code, "name_en": code}
        return {"name_fa": cap.name_fa, "name_en": cap.name_en}

    def __contains__(self, code: object) -> bool:
        return code in self.capabilities

    def __len__(self) -> int:
        return len(self.capabilities)

    # -- inference ----------------------------------------------------------------------------
    def find_phrases(self, stems: tuple[str, ...] | list[str]) -> list[tuple[int, int, _Phrase]]:
        """Leftmost-longest phrase occurrences: (start, end, phrase) over the stem sequence.

        Keys are compared on concatenated stems, so a phrase matches whether the text writes its
        words joined, with a half-space or with a space, as long as it starts and ends on a word
        boundary.
        """
        out = []
        n = len(stems)
        i = 0
        phrases = self._phrases
        prefixes = self._prefixes
        while i < n:
            best = None
            key = ""
            for j in range(i, min(n, i + MAX_PHRASE_TOKENS)):
                key += stems[j]
                if key not in prefixes:
                    break
                ph = phrases.get(key)
                if ph is not None:
                    best = (i, j + 1, ph)
            if best is not None:
                out.append(best)
                i = best[1]
            else:
                i += 1
        return out

    def infer(self, text: str | None = None, analysed=None) -> dict[str, tuple[float, list[str]]]:
        """Capability code -> (confidence in [0,1), evidence phrases as they appear in the text)."""
        an = analysed if analysed is not None else analyse(text)
        raw: dict[str, float] = {}
        seen: dict[tuple[str, str], int] = {}
        evidence: dict[str, list[str]] = {}
        for start, end, ph in self.find_phrases(an.stems):
            surface = " ".join(an.tokens[start:end])
            for code, w in ph.weights.items():
                k = (code, ph.key)
                count = seen.get(k, 0)
                seen[k] = count + 1
                if count == 0:
                    raw[code] = raw.get(code, 0.0) + w
                    evidence.setdefault(code, []).append(surface)
                elif count * REPEAT_BONUS <= REPEAT_CAP:
                    raw[code] = raw.get(code, 0.0) + w * REPEAT_BONUS
        return {code: (1.0 - math.exp(-s), evidence[code]) for code, s in raw.items()}


def _load_weak_terms() -> set[str]:
    try:
        return set(json.loads(_WEAK_PATH.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()


_CACHE: dict[str, Taxonomy] = {}


def load_taxonomy(source: str | Path | Mapping[str, Any] | Taxonomy | None = None) -> Taxonomy:
    """Load the taxonomy from the default JSON file, a path, or an already-parsed mapping."""
    if isinstance(source, Taxonomy):
        return source
    if source is None or isinstance(source, (str, Path)):
        path = Path(source) if source is not None else DEFAULT_TAXONOMY_PATH
        key = str(path.resolve())
        if key not in _CACHE:
            _CACHE[key] = Taxonomy(json.loads(path.read_text(encoding="utf-8")))
        return _CACHE[key]
    return Taxonomy(source)
