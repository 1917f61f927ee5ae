from hypothesis import given
from hypothesis import strategies as st

from hamafza.core.text import ZWNJ, fold, is_persian, normalize, persian_digits, words


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
