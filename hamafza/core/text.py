"""Persian/English text normalisation, used wherever text is searched, matched or compared.

Real Persian input arrives with lost or extra half-spaces (ZWNJ), Arabic letters (ي ك ة),
diacritics, tatweel and Persian or Arabic-Indic digits. Two forms are offered:

* ``normalize(text)`` cleans text but keeps it readable: Arabic letters become Persian, digits
  become ASCII, diacritics and tatweel go, whitespace is collapsed and stray ZWNJs are tidied.
* ``fold(text)`` is the comparison key: ``normalize`` plus case folding and *removal* of every
  ZWNJ, so "می‌شود", "میشود" and "مي‌شود" all fold to the same string.

Both are idempotent and never raise on any string (see tests/test_text.py, property-based).
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

# Characters mapped one to one (Arabic forms to Persian, digits to ASCII, odd spaces to space).
_CHAR_MAP = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی
    "\u0649": "\u06cc",  # ى alef maksura -> ی
    "\u06d0": "\u06cc",  # ې
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک
    "\u06aa": "\u06a9",  # ڪ swash kaf -> ک
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh -> ه
    "\u06c1": "\u0647",  # ہ heh goal -> ه
    "\u06d5": "\u0647",  # ە ae -> ه
    "\u0623": "\u0627",  # أ -> ا
    "\u0625": "\u0627",  # إ -> ا
    "\u0671": "\u0627",  # ٱ -> ا
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u06cc",  # ئ -> ی
    "\u200d": "",  # zero-width joiner
    "\u200b": "",  # zero-width space
    "\u200e": "",  # LRM
    "\u200f": "",  # RLM
    "\u202a": "",
    "\u202b": "",
    "\u202c": "",
    "\u202d": "",
    "\u202e": "",
    "\u2066": "",
    "\u2067": "",
    "\u2068": "",
    "\u2069": "",
    "\ufeff": "",  # BOM
    "\u0640": "",  # tatweel
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    "\u060c": ",",  # Arabic comma
    "\u061b": ";",  # Arabic semicolon
    "\u061f": "?",  # Arabic question mark
}
for _i in range(10):
    _CHAR_MAP[chr(0x06F0 + _i)] = str(_i)  # Persian digits
    _CHAR_MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
_TRANS = str.maketrans(_CHAR_MAP)

# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks).
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_SPACES = re.compile(r"\s+")
# A ZWNJ is only meaningful between two letters; elsewhere (beside spaces, doubled, at the ends) it
# is noise.
_ZWNJ_RUNS = re.compile(ZWNJ + "{2,}")
_ZWNJ_BESIDE_SPACE = re.compile(r"\s*" + ZWNJ + r"(?:\s+" + ZWNJ + r")*\s+|\s+" + ZWNJ + r"\s*")


def _strip_zwnj_edges(text: str) -> str:
    return text.strip(ZWNJ + " ")


def normalize(text: str | None) -> str:
    """Clean Persian/English text while keeping meaningful half-spaces.

    Arabic letters become Persian ones, Persian and Arabic-Indic digits become ASCII, diacritics,
    tatweel and bidi marks are removed, whitespace runs become one space, and ZWNJs that are doubled,
    beside a space or at either end are dropped. Case is kept.
    """
    if not text:
        return ""
    # NFKC folds Arabic presentation forms and full-width Latin to their base letters.
    text = unicodedata.normalize("NFKC", str(text))
    text = text.translate(_TRANS)
    text = _DIACRITICS.sub("", text)
    # NFKC can yield characters again mapped by the table (e.g. presentation forms of ي).
    text = text.translate(_TRANS)
    text = _SPACES.sub(" ", text)
    # Tidy half-spaces until stable (a removal can create a new ZWNJ/space neighbour).
    previous = None
    while previous != text:
        previous = text
        text = _ZWNJ_RUNS.sub(ZWNJ, text)
        text = _ZWNJ_BESIDE_SPACE.sub(" ", text)
        text = _SPACES.sub(" ", text)
        text = _strip_zwnj_edges(text)
    return text.strip()


def fold(text: str | None) -> str:
    """The comparison key: normalised, case-folded, every half-space removed.

    Two spellings of the same Persian word that differ only by a lost half-space, Arabic ي/ك or the
    digit script fold to the same string.
    """
    text = normalize(text).replace(ZWNJ, "").casefold()
    # casefold can produce characters NFKC would change again; normalising once more keeps fold
    # idempotent.
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_TRANS)).strip()


_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str | None) -> list[str]:
    """Folded word tokens (letters, digits and underscores) of ``text``."""
    return _WORD.findall(fold(text))


_PERSIAN_LETTERS = re.compile("[\u0600-\u06ff]")


def is_persian(text: str | None) -> bool:
    """True when the text contains Arabic-script letters (treated as Persian)."""
    return bool(text and _PERSIAN_LETTERS.search(text))


_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(value: object) -> str:
    """``value`` as text with ASCII digits written as Persian digits (for display)."""
    return str(value).translate(_TO_PERSIAN_DIGITS)


# -- Persian word forms ---------------------------------------------------------------------------
# A Persian word often carries a suffix after a half-space (داده‌ها, هوشمند‌سازی, رایانه‌ای). Real input
# writes that half-space, drops it (دادهها) or types a space instead (داده ها). ``split_words`` reads
# all three as one word (a suffix standing alone after a Persian word is glued back) and
# ``persian_stem`` removes the suffixes by rule, so the three spellings get one stem. (The cut at
# the half-space, ``base``, is exact, but stemming it would part the spellings: ``رایانه‌ای`` would
# give ``رایانه`` and ``رایانهای`` ``رایان``.)

# Suffixes that follow a word after a half-space (or a space typed in its place). Longest first.
PERSIAN_SUFFIXES = (
    "هایشان",
    "هایمان",
    "هایتان",
    "هایی",
    "هایم",
    "هایت",
    "هایش",
    "های",
    "ها",
    "ترین",
    "تری",
    "تر",
    "سازی",
    "ساز",
    "گری",
    "ایی",
    "ای",
    "ی",
    "اند",
    "ام",
    "اش",
)
_PERSIAN_SUFFIX_SET = frozenset(PERSIAN_SUFFIXES)
# Verbal prefixes written before a half-space (می‌شود): glued to the next word, never split off.
PERSIAN_PREFIXES = frozenset(["می", "نمی"])

# Rules for a folded word whose half-spaces are lost: (suffix, minimum length of what remains).
# First the inflection (plural, possessive, superlative, ezafe), then one derivational suffix.
_INFLECTION_RULES = (
    ("هایشان", 2),
    ("هایمان", 2),
    ("هایتان", 2),
    ("هایی", 2),
    ("هایم", 2),
    ("هایت", 2),
    ("هایش", 2),
    ("های", 2),
    ("ها", 2),
    ("ترین", 3),
    ("ات", 4),
    ("ان", 4),
    ("ی", 3),
)
_DERIVATION_RULES = (
    ("ساز", 3),  # هوشمندسازی → هوشمند، بهینه‌سازی → بهینه، مدلسازی → مدل
    ("گر", 4),  # تحلیلگر → تحلیل (not کارگر: what remains must have four letters)
)
# Words a rule would turn into another word: kept whole.
_PERSIAN_PROTECTED = frozenset(["بازساز", "نوساز", "کارساز", "دیگر", "بازیگر"])
_LETTERS_FA = re.compile("[\u0600-\u06ff]")
_WORD_WITH_HALF_SPACES = re.compile(r"\w+(?:" + ZWNJ + r"\w+)*", re.UNICODE)


def persian_stem(word: str) -> str:
    """The stem of one *folded* Persian word: plural, possessive, superlative and ezafe suffixes,
    then ``ساز``/``گر``, removed until none applies (so the stem of a stem is itself, and
    ``سازمان‌ها``, ``سازمانها`` and ``سازمان`` share one). Never empty for a non-empty word."""
    if word.endswith("ندگان") and len(word) >= 7:  # رانندگان → راننده
        word = word[:-3] + "ه"
    for _ in range(6):
        before = word
        if word in _PERSIAN_PROTECTED:
            return word
        for suffix, keep in _INFLECTION_RULES:
            if word.endswith(suffix) and len(word) - len(suffix) >= keep:
                word = word[: -len(suffix)]
                break
        else:
            for suffix, keep in _DERIVATION_RULES:
                if word.endswith(suffix) and len(word) - len(suffix) >= keep and word not in _PERSIAN_PROTECTED:
                    word = word[: -len(suffix)]
                    break
        if word == before:
            return word
    return word


def split_words(text: str | None) -> list[tuple[str, str]]:
    """``(word, base)`` for every word of ``text``, both folded.

    ``word`` is the whole word with its half-spaces removed (a suffix or verbal prefix that was typed
    as a separate word is glued back: ``داده ها`` gives one word ``دادهها``). ``base`` is the word
    without the suffixes that a half-space or a space set apart (``داده‌ها`` and ``داده ها`` give
    ``داده``; ``رایانه‌ای`` gives ``رایانه``); when nothing was set apart it equals ``word``."""
    out: list[tuple[str, str]] = []
    glue_next = False
    for raw in _WORD_WITH_HALF_SPACES.findall(normalize(text)):
        parts = [p for p in (fold(p) for p in raw.split(ZWNJ)) if p]
        if not parts:
            continue
        persian = bool(_LETTERS_FA.search(parts[0]))
        # a word that is only a suffix, after a Persian word: a half-space typed as a space
        if out and persian and _LETTERS_FA.search(out[-1][0]) and "".join(parts) in _PERSIAN_SUFFIX_SET:
            out[-1] = (out[-1][0] + "".join(parts), out[-1][1])
            continue
        cut = len(parts)
        while persian and cut > 1 and parts[cut - 1] in _PERSIAN_SUFFIX_SET:
            cut -= 1
        word, base = "".join(parts), "".join(parts[:cut])
        if glue_next and persian:
            out[-1] = (out[-1][0] + word, out[-1][1] + base)
            glue_next = False
            continue
        glue_next = word in PERSIAN_PREFIXES
        out.append((word, base))
    return out


def search_stems(text: str | None) -> list[str]:
    """The words of a search query reduced to what an organization's folded text must contain:
    Persian words to their stem (so ``هوشمند‌سازی`` and ``داده‌ها`` find ``هوشمند`` and ``داده``,
    with the half-space present, missing or typed as a space), other words folded as they are."""
    out = []
    for word, _base in split_words(text):
        stem = persian_stem(word) if _LETTERS_FA.search(word) else word
        out.append(stem if len(stem) >= 2 else word)
    return out


# Persian alphabetical order (Unicode's order puts پ چ ژ گ and ک ی after the Arabic letters).
PERSIAN_ALPHABET = "آاأإبپتثجچحخدذرزژسشصضطظعغفقکگلمنوؤهةیئ"
_KEY_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_RANK = {" ": 1, **{str(d): 2 + d for d in range(10)}}
_RANK.update({letter: 12 + i for i, letter in enumerate(PERSIAN_ALPHABET)})
_RANK.update({letter: 12 + len(PERSIAN_ALPHABET) + i for i, letter in enumerate("abcdefghijklmnopqrstuvwxyz")})
# A letter with a variant sorts with its base letter (آ and ا and أ are one letter in a dictionary).
_RANK.update({"آ": _RANK["ا"], "أ": _RANK["ا"], "إ": _RANK["ا"], "ؤ": _RANK["و"], "ة": _RANK["ه"], "ئ": _RANK["ی"]})
SORT_KEY_LENGTH = 120


def collation_key(text: str | None, *, first: str = "fa") -> str:
    """A key that sorts names in dictionary order under any database collation: ASCII only, two
    characters a letter ([0-9a-z], ordered alike by the C and the ICU/glibc collations), Persian
    letters in Persian order, Latin letters in English order. ``first="fa"``: names with a Persian
    letter first (group "a"), the others after them (group "b"); ``first="en"``: names with no
    Persian letter first, Persian names after them (the English directory, ADR 0025). Other
    characters (punctuation, half-spaces) are ignored. Stored in indexed columns so the directory
    is ordered by the database, not in Python (ADR 0023)."""
    folded = fold(text)
    persian = is_persian(folded)
    group = "a" if persian == (first == "fa") else "b"
    key = [group]
    for char in folded:
        rank = _RANK.get(char)
        if rank is not None:
            key.append(_KEY_DIGITS[rank // 36] + _KEY_DIGITS[rank % 36])
    return "".join(key)[:SORT_KEY_LENGTH]
