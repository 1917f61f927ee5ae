"""Analyzer and capability-inference properties (no Django, no database)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hamafza.core.text import fold
from hamafza.matching.engine.analysis import analyse, compact_key, lexical_terms, raw_tokens, stem

ZWNJ = "\u200c"
persian_letters = st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"))
persian_word = st.text(persian_letters, min_size=2, max_size=8)


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_analysis_never_raises_and_is_stable(text):
    an = analyse(text)
    assert len(an.tokens) == len(an.stems)
    assert analyse(" ".join(an.tokens)).stems == an.stems  # re-analysing the folded tokens is stable
    lexical_terms(an)


@given(st.lists(persian_word, min_size=2, max_size=4))
def test_half_space_lost_or_added_gives_same_compact_key(parts):
    joined_zwnj = ZWNJ.join(parts)
    joined = "".join(parts)
    assert compact_key(joined_zwnj) == compact_key(joined)


@given(persian_word)
def test_arabic_letters_and_plural_suffix(word):
    arabic = word.replace("ی", "\u064a").replace("ک", "\u0643")
    assert stem(fold(arabic)) == stem(fold(word))
    # the plural written with a half-space, joined, or with a space
    assert raw_tokens(word + ZWNJ + "ها") == raw_tokens(word + " ها") == raw_tokens(word + "ها")


def test_persian_light_stemming_and_english_stemming():
    assert stem(fold("لوله‌ها")) == stem("لوله")
    assert stem(fold("درختان")) == stem("درخت")
    assert stem(fold("شهری")) == "شهر"
    assert stem("leaks") == stem("leak")
    assert stem("parking") != stem("park")  # protected: parking is not a park


def test_joined_pair_terms_survive_a_space_in_a_compound():
    spaced = lexical_terms(analyse("هدر رفت آب"))
    joined = lexical_terms(analyse("هدررفت آب"))
    assert set(spaced) & set(joined) >= {"هدررفت", "آب"}


def test_digits_fold_to_ascii():
    assert lexical_terms(analyse("ایستگاه ۱۲")) == lexical_terms(analyse("ایستگاه 12"))


def test_inference_is_bilingual(taxonomy):
    fa = taxonomy.infer("ترکیدگی لوله‌ها و هدر رفت آب در شبکه توزیع")
    en = taxonomy.infer("Acoustic leak detection for non-revenue water in distribution networks")
    assert max(fa, key=lambda c: fa[c][0]) == "water.leak"
    assert max(en, key=lambda c: en[c][0]) == "water.leak"


def test_inference_survives_arabic_letters_and_lost_half_spaces(taxonomy):
    clean = taxonomy.infer("سطل‌های هوشمند و حسگر سطح پر شدن مخزن")
    messy = taxonomy.infer("سطلهاي هوشمند و حسگر سطح پر شدن مخزن".replace("ک", "\u0643"))
    assert set(clean) == set(messy)


def test_generic_words_do_not_infer_a_capability(taxonomy):
    inferred = taxonomy.infer("We grow website traffic for online shops with SEO and paid ads")
    assert not any(code.startswith("traffic.") and w > 0.3 for code, (w, _) in inferred.items())


def test_taxonomy_shape(taxonomy):
    data = taxonomy.data
    codes = [c["code"] for d in data["domains"] for c in d["capabilities"]]
    assert 40 <= len(codes) <= 60 and len(codes) == len(set(codes))
    for d in data["domains"]:
        assert set(d) == {"code", "name_fa", "name_en", "capabilities"}
        for c in d["capabilities"]:
            assert set(c) == {"code", "name_fa", "name_en", "synonyms_fa", "synonyms_en"}
            assert c["code"].startswith(d["code"] + ".")
            assert len(c["synonyms_fa"]) >= 10 and len(c["synonyms_en"]) >= 10


@given(
    st.text(alphabet=st.sampled_from(list("ابپتجچخدرزسشعفقکگلمنوهی")), min_size=3, max_size=8),
    st.sampled_from(["ها", "های", "ای", "ترین", "سازی", "هایی"]),
)
def test_analyzer_reads_a_suffix_alike_after_a_half_space_a_space_or_nothing(word, suffix):
    joined = analyse(word + ZWNJ + suffix)
    assert joined == analyse(word + " " + suffix) == analyse(word + suffix)
    assert len(joined.stems) == 1


@given(st.text())
def test_analyzer_never_raises_and_aligns_tokens_and_stems(text):
    an = analyse(text)
    assert len(an.tokens) == len(an.stems)
    assert all(an.stems)
    assert compact_key(text) == "".join(an.stems)
