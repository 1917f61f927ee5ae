"""Text analysis for matching: tokens, stems, half-space-proof keys and lexical terms.

Built on the shared normaliser (:mod:`hamafza.core.text`): every token is first *folded* (Arabic
ي/ك → Persian, digits → ASCII, case folded, ZWNJ removed). On top of that:

* English words are stemmed with the Snowball (Porter2) stemmer, with a few protected words whose
  stem would collide with an unrelated word (``parking`` must not become ``park``).
* Persian words get the shared light stemmer (:func:`hamafza.core.text.persian_stem`: plural,
  possessive, superlative and ezafe suffixes, then ``ساز``/``گر``). A suffix typed as a separate
  word (``سطل های``) is glued back first, so a word with its half-space, without it or with a space
  gets one stem. The verbal prefix (``می شود``) is glued to its verb.
* Lost or extra half-spaces: besides single stems, the lexical terms include the concatenation of
  every pair of adjacent Persian stems (``هدر رفت`` → ``هدر``, ``رفت``, ``هدررفت``), so a compound
  written joined, with a ZWNJ or with a space produces a common term. Phrase matching against the
  taxonomy works on *compact keys* (stems concatenated without separators, see
  :func:`compact_key`) anchored at token boundaries, which is the same idea applied to phrases.

Nothing here imports Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from hamafza.core.text import fold, persian_stem, split_words

# Bumped whenever tokens or stems change: part of the taxonomy's fingerprint, so an index stored by
# an older analyzer re-derives its documents when it is opened.
ANALYZER_VERSION = 2

_PERSIAN = re.compile("[\u0600-\u06ff]")
_EN_STEMMER = snowballstemmer.stemmer("english")

# English words whose Porter2 stem collides with an unrelated word of the domain.
_EN_PROTECTED = {
    "parking": "parking",
    "parked": "parking",
    "parks": "park",
    "lighting": "lighting",
    "lights": "light",
    "building": "building",
    "buildings": "building",
    "news": "news",
    "organic": "organic",
    "organics": "organic",
    "meter": "meter",
    "meters": "meter",
    "metering": "metering",
}

ENGLISH_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "else",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "without",
        "within",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "we",
        "our",
        "ours",
        "us",
        "you",
        "your",
        "yours",
        "they",
        "them",
        "their",
        "theirs",
        "he",
        "she",
        "his",
        "her",
        "i",
        "me",
        "my",
        "mine",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "also",
        "just",
        "only",
        "both",
        "each",
        "every",
        "all",
        "any",
        "some",
        "such",
        "more",
        "most",
        "other",
        "another",
        "same",
        "own",
        "few",
        "many",
        "much",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "there",
        "here",
        "per",
        "via",
        "etc",
        "e.g",
        "ie",
        "i.e.",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "while",
        "during",
        "before",
        "after",
        "above",
        "below",
        "between",
        "through",
        "against",
        "among",
        "across",
        "around",
        "along",
        "company",
        "companies",
        "firm",
        "team",
        "ltd",
        "inc",
        "co",
        "llc",
        "group",
        "solution",
        "solutions",
        "service",
        "services",
        "provide",
        "provides",
        "provided",
        "providing",
        "offer",
        "offers",
        "offering",
        "product",
        "products",
        "based",
        "use",
        "uses",
        "used",
        "using",
        "system",
        "systems",
        "platform",
        "new",
        "including",
        "include",
        "includes",
        "one",
        "two",
        "three",
        "years",
        "year",
        "work",
        "works",
        "working",
        "city",
        "cities",
        "municipal",
        "municipality",
        "municipalities",
        "urban",
        "project",
        "projects",
    ]
)

PERSIAN_STOPWORDS = frozenset(
    fold(w)
    for w in [
        "و",
        "در",
        "به",
        "از",
        "که",
        "این",
        "آن",
        "با",
        "را",
        "برای",
        "تا",
        "یا",
        "هم",
        "نیز",
        "اما",
        "ولی",
        "اگر",
        "پس",
        "چون",
        "چه",
        "هر",
        "همه",
        "بر",
        "بی",
        "است",
        "هست",
        "نیست",
        "بود",
        "شد",
        "شود",
        "می\u200cشود",
        "نمی\u200cشود",
        "شده\u200cاند",
        "شده",
        "است\u200c",
        "کرد",
        "کند",
        "کنند",
        "کرده",
        "می\u200cکند",
        "می\u200cکنند",
        "دارد",
        "دارند",
        "داشت",
        "داشته",
        "باید",
        "نباید",
        "خواهد",
        "شود\u200c",
        "بوده",
        "باشد",
        "باشند",
        "گردد",
        "گرفته",
        "ای",
        "یک",
        "دو",
        "سه",
        "چند",
        "ما",
        "شما",
        "آنها",
        "ایشان",
        "او",
        "من",
        "ما",
        "را",
        "خود",
        "خویش",
        "همین",
        "همان",
        "چنین",
        "چنان",
        "دیگر",
        "دیگری",
        "بسیار",
        "خیلی",
        "بیشتر",
        "کمتر",
        "روی",
        "زیر",
        "بالای",
        "پایین",
        "میان",
        "بین",
        "درباره",
        "طی",
        "توسط",
        "پیش",
        "پس\u200cاز",
        "بعد",
        "قبل",
        "حتی",
        "فقط",
        "تنها",
        "نه",
        "هیچ",
        "شرکت",
        "شرکتی",
        "گروه",
        "تیم",
        "مجموعه",
        "خدمات",
        "ارائه",
        "محصول",
        "محصولات",
        "سامانه",
        "سیستم",
        "راهکار",
        "راه\u200cحل",
        "شهر",
        "شهری",
        "شهرها",
        "شهرداری",
        "شهرداری\u200cها",
        "منطقه",
        "مناطق",
        "پروژه",
        "پروژه\u200cها",
        "سال",
        "سالانه",
    ]
)


def is_persian_token(token: str) -> bool:
    return bool(_PERSIAN.search(token))


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """The stem of one folded token (the shared Persian stemmer or English Porter2)."""
    if not token:
        return token
    if is_persian_token(token):
        return persian_stem(token)
    if token.isdigit():
        return token
    protected = _EN_PROTECTED.get(token)
    if protected is not None:
        return protected
    return _EN_STEMMER.stemWord(token)


def raw_tokens(text: str | None) -> list[str]:
    """Folded word tokens, with stray Persian suffix/prefix tokens glued to their word."""
    return [word for word, _ in split_words(text)]


@dataclass(frozen=True)
class Analysed:
    """A text after analysis: surface tokens (folded) and their stems, position by position."""

    tokens: tuple[str, ...]
    stems: tuple[str, ...]

    @property
    def is_persian(self) -> bool:
        return any(is_persian_token(t) for t in self.tokens)


def analyse(text: str | None) -> Analysed:
    """Tokens and stems. A word's stem depends on the word alone, whether its suffix followed a
    half-space, a space or nothing (see :func:`hamafza.core.text.split_words`), so the three
    spellings always meet."""
    toks = raw_tokens(text)
    return Analysed(tuple(toks), tuple(stem(t) for t in toks))


_STOP = ENGLISH_STOPWORDS | PERSIAN_STOPWORDS


def is_stopword(token: str) -> bool:
    return token in _STOP or len(token) < 2 or token.isdigit()


def lexical_terms(an: Analysed) -> list[str]:
    """Terms for the full-text index: stems of content words plus joined adjacent Persian stems.

    Repeated terms are kept (term frequency matters to BM25).
    """
    terms: list[str] = []
    prev_fa: str | None = None
    for tok, st in zip(an.tokens, an.stems, strict=True):
        if is_stopword(tok) or is_stopword(st):
            prev_fa = None
            continue
        terms.append(st)
        if is_persian_token(st):
            if prev_fa is not None:
                terms.append(prev_fa + st)  # survives a half-space typed as a space (or lost)
            prev_fa = st
        else:
            prev_fa = None
    return terms


def compact_key(text: str) -> str:
    """The boundary-free key of a phrase: its stems concatenated (half-space/space insensitive)."""
    return "".join(analyse(text).stems)


def surface_index(an: Analysed) -> dict[str, set[str]]:
    """stem → the folded surface words that produced it (for truthful explanations)."""
    out: dict[str, set[str]] = {}
    for tok, st in zip(an.tokens, an.stems, strict=True):
        out.setdefault(st, set()).add(tok)
    return out
