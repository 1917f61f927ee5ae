import pytest

from hamafza.challenges.selectors import need_similar
from hamafza.challenges.similarity import keywords, similarity
from hamafza.challenges.tests.factories import NeedFactory
from hamafza.core.tests.factories import CapabilityFactory
from hamafza.core.text import fold


def test_spelling_variants_give_the_same_keywords():
    standard = "جمع‌آوری پسماندهای خشک در ایستگاه‌های بازیافت ۱۲ محله"
    variants = [
        "جمع آوری پسماند های خشک در ایستگاه های بازیافت 12 محله",  # spaces instead of half-spaces
        "جمعآوری پسماندهاي خشك در ايستگاههای بازيافت ١٢ محله",  # no half-space, Arabic ي/ك, Arabic digits
        "جمع‌آوری پسماند‌های خشک در ایستگاه‌ها‌ی بازیافت 12 محله",
    ]
    base = keywords(standard)
    assert {"پسماند", "بازیافت", "ایستگاه", "خشک"} <= base
    for text in variants:
        variant = keywords(text)
        assert {"پسماند", "بازیافت", "ایستگاه", "خشک", "محله"} <= variant, text
        assert similarity(base, set(), variant, set()).percent >= 70, text


def test_unrelated_texts_score_low():
    a = keywords("کاهش ترافیک در تقاطع‌های پرتردد با چراغ هوشمند")
    b = keywords("دکل مخابراتی استتارشده برای منظر شهری")
    assert similarity(a, {1}, b, {2}).percent == 0


def test_english_plural_stemming():
    assert keywords("Smart traffic signals") == keywords("smart TRAFFIC signal")


@pytest.mark.django_db
def test_similar_needs_in_this_and_other_cities(city, other_city, django_assert_max_num_queries):
    sorting, routing = CapabilityFactory(code="waste.sorting"), CapabilityFactory(code="waste.routing")
    need = NeedFactory(
        city=city,
        title="تفکیک پسماند خشک در محله‌های قدیمی",
        description="ایستگاه‌های بازیافت کم است و پسماند خشک با تر مخلوط می‌شود.",
        capabilities=[sorting],
    )
    same_city = NeedFactory(
        city=city,
        title="تفكيك پسماندهاي خشك محله هاي قديمي",  # Arabic letters, no half-spaces
        description="ايستگاه بازيافت",
        capabilities=[sorting, routing],
    )
    elsewhere = NeedFactory(
        city=other_city,
        title="Dry waste sorting",
        description="پسماند خشک را در ایستگاه بازیافت جدا کنیم",
        capabilities=[sorting],
    )
    NeedFactory(city=city, title="چراغ راهنمایی هوشمند", description="ترافیک تقاطع")
    NeedFactory(city=city, status="draft", title=need.title, description=need.description)  # drafts are private
    with django_assert_max_num_queries(4):
        results = need_similar(need=need)
    by_pk = {r.need.pk: r for r in results}
    assert set(by_pk) == {same_city.pk, elsewhere.pk}
    top = results[0]
    assert top.need == same_city and top.same_city and top.percent >= 50
    assert {"پسماند", "خشک", "محله"} <= set(top.shared_words)
    assert [c.code for c in top.shared_capabilities] == ["waste.sorting"]
    assert not by_pk[elsewhere.pk].same_city and by_pk[elsewhere.pk].shared_capabilities


@pytest.mark.parametrize(
    "text",
    [
        "جمع آوری پسماند ها در محله‌های قديمي",
        "Recycling stations for the CITIES' waste ۱۲۳",
        "ایستگاه‌ های بازیافت می شود",
        "",
    ],
)
def test_keywords_of_the_folded_text_are_the_same(text):
    """The triage page reads each candidate's stored search_text (fold of its text) instead of
    folding 400 texts again: the words must be the same."""
    assert keywords(fold(text), folded=True) == keywords(text)


@pytest.mark.django_db
def test_the_best_candidates_are_chosen_in_the_database_before_scoring(
    city, monkeypatch, django_assert_max_num_queries
):
    """Only a shortlist of the candidates is read and scored in Python (issue 19): it is chosen by
    the database's pre-score (shared capabilities and words), not by age, so an older need that
    shares much is still found among newer needs that share one word."""
    from hamafza.challenges import selectors

    monkeypatch.setattr(selectors, "SIMILAR_SHORTLIST", 3)
    sorting = CapabilityFactory(code="waste.sorting")
    need = NeedFactory(
        city=city,
        title="تفکیک پسماند خشک در ایستگاه بازیافت محله",
        description="پسماند خشک با تر مخلوط می‌شود",
        capabilities=[sorting],
    )
    best = NeedFactory(
        city=city, title="تفکیک پسماند خشک محله", description="ایستگاه بازیافت و پسماند تر", capabilities=[sorting]
    )
    weak = [NeedFactory(city=city, title=f"ایستگاه اتوبوس شماره {i}", description="سایه‌بان") for i in range(6)]
    assert all(w.pk > best.pk for w in weak)
    with django_assert_max_num_queries(4):
        results = selectors.need_similar(need=need)
    assert results and results[0].need == best and results[0].percent >= 50
    assert len(results) <= 3
