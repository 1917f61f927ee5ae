"""Similarity of needs, on normalised Persian/English text and shared capabilities.

Words are folded (hamafza.core.text.fold: half-spaces, Arabic ي/ك, digit scripts), stop words are
dropped and common Persian/English plural suffixes are stripped, so "پسماندها", "پسماند‌ها" and
"پسماند ها" count as the same word. The score is a weighted Jaccard overlap of words and
capabilities, and every score comes with its reasons (which capabilities, which words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hamafza.core.text import words

_STOP_WORDS_TEXT = """
و در به از که این آن با برای را تا یا هم نیز بر هر اما اگر چون چه پس ها های ای یک دو سه
است هست بود شد شود میشود می نمی کرد کند کنند کردن شده نشده باید نباید دارد دارند داشت
ما شما آنها ایشان او من تو خود همه بسیار خیلی بیشتر کمتر روی زیر بین پیش بعد قبل درباره
مورد برخی دیگر چند وجود توسط جهت طریق عدم شهر شهری
the a an and or of to in on for with by at from as is are was were be been this that these those
it its our their we you they not no can could should would will may must into about over under
city urban
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_SUFFIXES_FA = ("هایی", "های", "ها", "ات")
_SUFFIXES_EN = ("ies", "es", "s")
WORD_WEIGHT = 0.6
CAPABILITY_WEIGHT = 0.4


def stem(word: str) -> str:
    """A light stem: strip one plural suffix from words long enough to keep a root."""
    if word.isascii():
        for suffix in _SUFFIXES_EN:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
        return word
    for suffix in _SUFFIXES_FA:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Parts of Persian words that people write after a space instead of a half-space ("جمع آوری",
# "پسماند ها"): glued back to the word before them. "می"/"نمی" are glued to the word after.
_BOUND_SUFFIXES = frozenset(
    ["ها", "های", "هایی", "ای", "ی", "ام", "ات", "اش", "تر", "ترین", "آوری", "سازی", "بندی"]
    + ["گذاری", "کننده", "کنندگان", "رسانی", "گاه", "گاهها"]
)
_BOUND_PREFIXES = frozenset(["می", "نمی"])


def _glued(tokens: list[str]) -> list[str]:
    result: list[str] = []
    prefix = ""
    for token in tokens:
        if token in _BOUND_PREFIXES:
            prefix += token
            continue
        token, prefix = prefix + token, ""
        if result and token in _BOUND_SUFFIXES and not result[-1].isascii():
            result[-1] += token
        else:
            result.append(token)
    if prefix:
        result.append(prefix)
    return result


_WORD = re.compile(r"\w+", re.UNICODE)


def keywords(text: str | None, *, folded: bool = False) -> set[str]:
    """The significant, stemmed, folded words of a text. `folded`: the text is already folded (a
    stored ``search_text``, ``fold`` of the same text), so folding it again is skipped (``fold`` is
    idempotent: the words are the same)."""
    result = set()
    for w in _glued(_WORD.findall(text or "") if folded else words(text)):
        if len(w) < 2 or w.isdigit() or w in STOP_WORDS:
            continue
        s = stem(w)
        if s not in STOP_WORDS:
            result.add(s)
    return result


@dataclass
class Similarity:
    score: float
    shared_words: list[str] = field(default_factory=list)
    shared_capability_ids: list[int] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(words_a: set[str], caps_a: set[int], words_b: set[str], caps_b: set[int]) -> Similarity:
    """How alike two needs are (0..1) and why. When neither need has capabilities, words alone
    decide."""
    word_score = _jaccard(words_a, words_b)
    score = word_score
    if caps_a and caps_b:
        score = WORD_WEIGHT * word_score + CAPABILITY_WEIGHT * _jaccard(caps_a, caps_b)
    return Similarity(
        score=score,
        shared_words=sorted(words_a & words_b),
        shared_capability_ids=sorted(caps_a & caps_b),
    )
