"""The evaluation maths: weighted totals, mean/median/trimmed mean, z-score normalisation,
disagreement and ranking (pure functions, property-based where a property exists)."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hamafza.proposals import aggregation as agg
from hamafza.proposals.aggregation import AggregationError, Criterion

finite = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)
values_list = st.lists(finite, min_size=1, max_size=12)


def test_judge_total_weighted_and_scaled():
    criteria = [Criterion("impact", 3, 10), Criterion("cost", 1, 5)]
    # impact 10/10 (weight 3) and cost 0/5 (weight 1) -> 75
    assert agg.judge_total({"impact": 10, "cost": 0}, criteria) == pytest.approx(75.0)
    assert agg.judge_total({"impact": 5, "cost": 5}, criteria) == pytest.approx((3 * 0.5 + 1) / 4 * 100)


@pytest.mark.parametrize(
    "scores",
    [{"impact": 11, "cost": 1}, {"impact": -1, "cost": 1}, {"impact": 5}, {"impact": 5, "cost": None}],
)
def test_judge_total_rejects_out_of_scale_or_missing(scores):
    with pytest.raises(AggregationError):
        agg.judge_total(scores, [Criterion("impact", 3, 10), Criterion("cost", 1, 5)])


def test_judge_total_rejects_zero_weights_and_empty_rubric():
    with pytest.raises(AggregationError):
        agg.judge_total({"a": 1}, [Criterion("a", 0, 10)])
    with pytest.raises(AggregationError):
        agg.judge_total({}, [])


@given(
    weights=st.lists(st.floats(min_value=0.1, max_value=50), min_size=1, max_size=6),
    fractions=st.lists(st.floats(min_value=0, max_value=1), min_size=6, max_size=6),
    factor=st.floats(min_value=0.1, max_value=20),
)
def test_judge_total_is_in_range_and_weight_scale_invariant(weights, fractions, factor):
    criteria = [Criterion(i, w, 10) for i, w in enumerate(weights)]
    scaled = [Criterion(i, w * factor, 10) for i, w in enumerate(weights)]
    scores = {i: fractions[i] * 10 for i in range(len(weights))}
    total = agg.judge_total(scores, criteria)
    assert -1e-9 <= total <= 100 + 1e-9
    assert agg.judge_total(scores, scaled) == pytest.approx(total, abs=1e-6)


@given(values_list)
def test_mean_median_trimmed_lie_between_min_and_max(values):
    lo, hi = min(values), max(values)
    for method in agg.METHODS:
        result = agg.combine(values, method)
        assert lo - 1e-9 <= result <= hi + 1e-9


@given(values_list, st.randoms())
def test_combinations_ignore_the_order_of_judges(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    for method in agg.METHODS:
        assert agg.combine(values, method) == pytest.approx(agg.combine(shuffled, method))


def test_trimmed_mean_drops_the_outliers():
    assert agg.trimmed_mean([10, 50, 52, 54, 100], trim=0.2) == pytest.approx(52)
    # two judges: nothing to trim
    assert agg.trimmed_mean([10, 90], trim=0.2) == pytest.approx(50)
    assert agg.median([10, 50, 52, 54, 100]) == 52
    assert agg.median([1, 2, 3, 10]) == 2.5
    with pytest.raises(AggregationError):
        agg.trimmed_mean([1, 2, 3], trim=0.5)
    with pytest.raises(AggregationError):
        agg.combine([1], "mode")
    with pytest.raises(AggregationError):
        agg.mean([])


def test_normalisation_corrects_a_harsh_and_a_lenient_judge():
    # Both judges rank P1 > P2 > P3 but the harsh one scores 20 points lower everywhere; a third
    # proposal scored only by the harsh judge would be punished without normalisation.
    totals = {
        ("harsh", "P1"): 60, ("harsh", "P2"): 50, ("harsh", "P3"): 40,
        ("lenient", "P1"): 80, ("lenient", "P2"): 70, ("lenient", "P3"): 60,
    }  # fmt: skip
    normalised = agg.normalise_by_judge(totals)
    for p in ("P1", "P2", "P3"):
        assert normalised[("harsh", p)] == pytest.approx(normalised[("lenient", p)])
    raw = agg.aggregate(totals, method=agg.WEIGHTED_MEAN)
    norm = agg.aggregate(totals, method=agg.WEIGHTED_MEAN, normalise=True)
    assert [r.proposal for r in raw] == [r.proposal for r in norm] == ["P1", "P2", "P3"]
    assert all(not r.disagreement for r in raw)


def test_normalisation_changes_the_ranking_when_judges_scored_different_proposals():
    # A is scored only by the harsh judge, B only by the lenient one; both are their judge's best.
    totals = {
        ("harsh", "A"): 55, ("harsh", "X"): 35, ("harsh", "Y"): 30,
        ("lenient", "B"): 85, ("lenient", "X"): 80, ("lenient", "Y"): 75,
    }  # fmt: skip
    raw = agg.aggregate(totals)
    assert raw[0].proposal == "B"
    norm = agg.aggregate(totals, normalise=True)
    by = {r.proposal: r.score for r in norm}
    # After normalisation A (far above its judge's mean) is no longer far below B.
    assert by["A"] >= by["B"] - 1e-9


@given(
    st.dictionaries(st.sampled_from("ABCDEF"), finite, min_size=2, max_size=6),
    st.floats(min_value=-30, max_value=30),
    st.floats(min_value=0.2, max_value=3),
)
def test_normalisation_removes_a_judges_offset_and_scale(scores, offset, factor):
    """A judge who scores like another but harsher/more lenient (a*x+b, a>0) ends up identical."""
    assume(max(scores.values()) - min(scores.values()) > 1e-3)
    totals = {("j1", p): v for p, v in scores.items()} | {("j2", p): v * factor + offset for p, v in scores.items()}
    normalised = agg.normalise_by_judge(totals)
    for p in scores:
        assert normalised[("j1", p)] == pytest.approx(normalised[("j2", p)], abs=1e-6)


def test_normalisation_keeps_raw_totals_for_a_judge_with_one_proposal():
    totals = {("a", "P1"): 40, ("b", "P1"): 60, ("b", "P2"): 80}
    normalised = agg.normalise_by_judge(totals)
    assert normalised[("a", "P1")] == 40
    assert agg.normalise_by_judge({}) == {}


def test_disagreement_flag_and_ranking_with_ties_and_unscored():
    totals = {("a", "P1"): 90, ("b", "P1"): 30, ("a", "P2"): 60, ("b", "P2"): 60, ("a", "P3"): 60, ("b", "P3"): 60}
    results = agg.aggregate(totals, proposals=["P3", "P2", "P1", "P4"], disagreement_threshold=15)
    by = {r.proposal: r for r in results}
    assert by["P1"].disagreement and by["P1"].spread == pytest.approx(30)
    assert not by["P2"].disagreement
    assert by["P2"].rank == by["P3"].rank == by["P1"].rank == 1
    assert by["P4"].score is None and by["P4"].rank is None and results[-1].proposal == "P4"
    results = agg.aggregate({("a", "P1"): 70, ("a", "P2"): 80, ("a", "P3"): 70})
    assert [(r.proposal, r.rank) for r in results] == [("P2", 1), ("P1", 2), ("P3", 2)]


def test_median_and_trimmed_mean_resist_one_extreme_judge():
    totals = {("a", "P"): 70, ("b", "P"): 72, ("c", "P"): 74, ("d", "P"): 71, ("e", "P"): 0}
    mean_score = agg.aggregate(totals)[0].score
    median_score = agg.aggregate(totals, method=agg.MEDIAN)[0].score
    trimmed = agg.aggregate(totals, method=agg.TRIMMED_MEAN, trim=0.2)[0].score
    assert mean_score == pytest.approx(57.4)
    assert median_score == 71
    assert trimmed == pytest.approx(71)
