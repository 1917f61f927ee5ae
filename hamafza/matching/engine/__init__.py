"""Matching engine (pure Python, no Django): organizations for challenges and challenges for
organizations, bilingual Persian/English, with eligibility, locality and explanations.

    from hamafza.matching.engine import Engine, OrgDoc, ChallengeDoc, Eligibility, Match, load_taxonomy

See docs/decisions/0005-matching-engine.md and docs/matching.md.
"""

from . import semantic
from .backend import Filter, IndexBackend, IndexDoc, TantivyBackend
from .core import ChallengeDoc, ChallengeMatch, ChallengeSet, Eligibility, Engine, Match, OrgDoc
from .taxonomy import DEFAULT_TAXONOMY_PATH, Taxonomy, load_taxonomy

__all__ = [
    "ChallengeDoc",
    "ChallengeMatch",
    "ChallengeSet",
    "DEFAULT_TAXONOMY_PATH",
    "Eligibility",
    "Engine",
    "Filter",
    "IndexBackend",
    "IndexDoc",
    "Match",
    "OrgDoc",
    "TantivyBackend",
    "Taxonomy",
    "load_taxonomy",
    "semantic",
]
