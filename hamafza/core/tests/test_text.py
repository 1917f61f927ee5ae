from hypothesis import given
from hypothesis import strategies as st

from hamafza.core.text import (
    PERSIAN_SUFFIXES,
    ZWNJ,
    fold,
    is_persian,
    normalize,
    persian_digits,
    persian_stem,
    search_stems,
    split_words,
    words,
)


@given(st.text())
def test_normalize_is_idempotent_and_never_raises(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_fold_is_idempotent_and_never_raises(text):
    once = fold(text)
    assert fold(once) == once
    assert ZWNJ not in once


@given(st.text(alphabet=st.sampled_from(list("ابپتثجچحخدذرزسشصضطظعغفقکگلمنوهی‌يكة ۰۱۲۳٤٥abcXYZ 123"))))
def test_fold_of_normalized_is_fold(text):
    assert fold(normalize(text)) == fold(text)


def test_half_space_variants_fold_alike():
    assert fold("می‌شود") == fold("میشود") == fold("مي‌شود") == fold("مي\u200c\u200cشود")
    assert fold("شرکت‌های دانش‌بنیان") == fold("شركتهاي دانشبنيان")


def test_arabic_letters_and_digits():
    assert normalize("كيفيت ة") == "کیفیت ه"
    assert normalize("سال ۱۴۰۳ و ٢٠٢٤") == "سال 1403 و 2024"
    assert fold("Waste  SORTING") == "waste sorting"


def test_diacritics_and_tatweel_removed():
    assert normalize("مُـــدیریت") == "مدیریت"


def test_stray_half_spaces_tidied():
    assert normalize(f"{ZWNJ}سلام {ZWNJ} دنیا{ZWNJ}") == "سلام دنیا"


def test_words_and_helpers():
    assert words("پسماند، تفکیک!") == ["پسماند", "تفکیک"]
    assert is_persian("سلام") and not is_persian("hello")
    assert persian_digits(2024) == "۲۰۲۴"


# -- Persian word forms (split_words, persian_stem, search_stems) ---------------------------------

_FA_LETTERS = list("ابپتثجچحخدذرزسشصضطظعغفقکگلمنوهی")
fa_words = st.text(alphabet=st.sampled_from(_FA_LETTERS), min_size=3, max_size=9)
# the suffixes that separate from a word after a half-space (the verb endings aside)
noun_suffixes = st.sampled_from([s for s in PERSIAN_SUFFIXES if s not in ("اند", "ام", "اش")])


@given(st.text())
def test_split_words_and_search_stems_never_raise(text):
    for word, base in split_words(text):
        assert word and base
        assert word.startswith(base) or base in word
    assert all(search_stems(text))


@given(fa_words)
def test_persian_stem_is_idempotent_and_never_empty(word):
    stem = persian_stem(word)
    assert stem
    assert persian_stem(stem) == stem
    assert word.startswith(stem) or word.endswith("ندگان")


@given(fa_words, noun_suffixes)
def test_a_suffix_after_a_half_space_a_space_or_nothing_reads_alike(word, suffix):
    expected = search_stems(word + suffix)
    assert search_stems(word + ZWNJ + suffix) == expected
    assert search_stems(word + " " + suffix) == expected
    # the three spellings are one word, and the half-space gives the exact cut
    assert split_words(word + ZWNJ + suffix) == split_words(word + " " + suffix)
    assert [w for w, _ in split_words(word + ZWNJ + suffix)] == [w for w, _ in split_words(word + suffix)]
    assert split_words(word + ZWNJ + suffix)[0][1] == fold(word)


@given(fa_words, st.sampled_from(["ها", "های", "هایی"]))
def test_plural_with_the_half_space_lost_finds_the_stem(word, suffix):
    # the stem of the plural written joined is a prefix of the singular's folded text, so a
    # contains-search on the stem finds the singular
    stem = search_stems(word + suffix)[0]
    assert word.startswith(stem)


@given(st.text(alphabet=st.sampled_from(_FA_LETTERS + [ZWNJ, " ", "ي", "ك", "۱"]), max_size=30))
def test_search_stems_are_stable_under_normalisation(text):
    assert search_stems(text) == search_stems(normalize(text)) == search_stems(text.replace("ي", "ی"))


def test_persian_word_forms_examples():
    assert search_stems("هوشمند" + ZWNJ + "سازی") == search_stems("هوشمندسازی") == ["هوشمند"]
    assert search_stems("هوشمند سازی") == ["هوشمند"]
    assert search_stems("داده" + ZWNJ + "ها") == search_stems("دادهها") == search_stems("داده ها") == ["داده"]
    assert search_stems("رایانه" + ZWNJ + "ای") == search_stems("رایانهای") == ["رایان"]  # a prefix of رایانه
    assert search_stems("سازمان" + ZWNJ + "ها") == search_stems("سازمان") == ["سازم"]
    assert search_stems("بهینه" + ZWNJ + "سازی") == ["بهینه"]
    assert search_stems("بزرگ" + ZWNJ + "ترین") == ["بزرگ"]
    assert search_stems("می" + ZWNJ + "شود") == search_stems("می شود") == ["میشود"]
    assert search_stems("Smart sensors") == ["smart", "sensors"]
    assert persian_stem("کارگر") == "کارگر"  # what would remain is too short to be a stem
