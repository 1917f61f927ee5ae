"""The maths of evaluation, as pure functions (no database, no Django): a judge's weighted total
for one proposal, the aggregation of several judges' totals (weighted mean of the rubric, then
mean, median or trimmed mean across judges), per-judge z-score normalisation that corrects harsh
and lenient judges, the disagreement flag and the ranking.

Conventions
-----------
* A judge's *total* for a proposal is the weighted mean of their criterion scores, each scaled to
  0..100 by the criterion's maximum: ``sum(w_i * s_i / max_i) / sum(w_i) * 100``. A total exists
  only when the judge scored every criterion (a missing criterion is an error, not a zero).
* Normalisation works on totals. For each judge, their totals over the proposals they scored are
  turned into z-scores and mapped back onto the scale of the whole panel (the panel's mean and
  standard deviation of all totals), so a judge who gives everyone 30 and one who gives everyone
  80 contribute the same ranking signal. A judge with fewer than ``MIN_PROPOSALS_TO_NORMALISE``
  totals keeps their raw totals (a z-score of one value says nothing).
* Disagreement: the population standard deviation of the judges' totals for a proposal (on the
  0..100 scale, before normalisation) at or above ``threshold`` flags the proposal.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

WEIGHTED_MEAN = "mean"
MEDIAN = "median"
TRIMMED_MEAN = "trimmed_mean"
METHODS = (WEIGHTED_MEAN, MEDIAN, TRIMMED_MEAN)

DEFAULT_TRIM = 0.2
DEFAULT_DISAGREEMENT_THRESHOLD = 15.0
MIN_PROPOSALS_TO_NORMALISE = 2


class AggregationError(ValueError):
    """Input the maths cannot accept (a missing criterion, a score outside the scale...)."""


@dataclass(frozen=True)
class Criterion:
    key: Hashable
    weight: float
    scale_max: float


def judge_total(scores: Mapping[Hashable, float], criteria: Iterable[Criterion]) -> float:
    """The judge's weighted total (0..100) for one proposal.

    Raises AggregationError when a criterion is missing, a score is outside 0..scale_max, a weight
    is negative or all weights are zero.
    """
    criteria = list(criteria)
    if not criteria:
        raise AggregationError("The rubric has no criteria.")
    weight_sum = 0.0
    acc = 0.0
    for c in criteria:
        if c.weight < 0 or not math.isfinite(c.weight):
            raise AggregationError(f"Invalid weight for {c.key!r}.")
        if c.scale_max <= 0:
            raise AggregationError(f"Invalid scale for {c.key!r}.")
        if c.key not in scores or scores[c.key] is None:
            raise AggregationError(f"Missing score for {c.key!r}.")
        value = float(scores[c.key])
        if not (0 <= value <= c.scale_max):
            raise AggregationError(f"Score for {c.key!r} is outside 0..{c.scale_max}.")
        acc += c.weight * value / c.scale_max
        weight_sum += c.weight
    if weight_sum <= 0:
        raise AggregationError("The weights add up to zero.")
    return acc / weight_sum * 100.0


def mean(values: Iterable[float]) -> float:
    values = list(values)
    if not values:
        raise AggregationError("No values.")
    return math.fsum(values) / len(values)


def median(values: Iterable[float]) -> float:
    values = list(values)
    if not values:
        raise AggregationError("No values.")
    return float(statistics.median(values))


def trimmed_mean(values: Iterable[float], trim: float = DEFAULT_TRIM) -> float:
    """The mean after dropping ``floor(n * trim)`` values from each end (trim in [0, 0.5)).

    With fewer than three values nothing is dropped: with two judges there is no outlier to trim.
    """
    if not (0 <= trim < 0.5):
        raise AggregationError("trim must be in [0, 0.5).")
    ordered = sorted(values)
    if not ordered:
        raise AggregationError("No values.")
    k = int(math.floor(len(ordered) * trim)) if len(ordered) >= 3 else 0
    kept = ordered[k : len(ordered) - k] if k else ordered
    return mean(kept)


def combine(values: Iterable[float], method: str = WEIGHTED_MEAN, trim: float = DEFAULT_TRIM) -> float:
    """Combine judges' totals for one proposal with the chosen method."""
    if method == WEIGHTED_MEAN:
        return mean(values)
    if method == MEDIAN:
        return median(values)
    if method == TRIMMED_MEAN:
        return trimmed_mean(values, trim)
    raise AggregationError(f"Unknown method {method!r}.")


def spread(values: Iterable[float]) -> float:
    """Population standard deviation (0 for fewer than two values)."""
    values = list(values)
    if len(values) < 2:
        return 0.0
    return float(statistics.pstdev(values))


def normalise_by_judge(totals: Mapping[tuple[Hashable, Hashable], float]) -> dict[tuple[Hashable, Hashable], float]:
    """Per-judge z-score normalisation of ``{(judge, proposal): total}``.

    Each judge's totals become ``panel_mean + z * panel_sd`` where ``z`` is the total's z-score
    among that judge's own totals, and ``panel_mean``/``panel_sd`` are over every total of the
    panel. A judge with fewer than two totals, or a panel with no spread, keeps raw totals; a judge
    who gave every proposal the same total (no spread of their own) maps to the panel mean.
    """
    if not totals:
        return {}
    all_values = list(totals.values())
    panel_mean = mean(all_values)
    panel_sd = spread(all_values)
    by_judge: dict[Hashable, list[tuple[Hashable, float]]] = {}
    for (judge, proposal), value in totals.items():
        by_judge.setdefault(judge, []).append((proposal, value))
    result: dict[tuple[Hashable, Hashable], float] = {}
    for judge, items in by_judge.items():
        values = [v for _p, v in items]
        if len(values) < MIN_PROPOSALS_TO_NORMALISE or panel_sd == 0:
            for proposal, value in items:
                result[(judge, proposal)] = value
            continue
        j_mean = mean(values)
        j_sd = spread(values)
        for proposal, value in items:
            z = 0.0 if j_sd == 0 else (value - j_mean) / j_sd
            result[(judge, proposal)] = panel_mean + z * panel_sd
    return result


@dataclass
class ProposalResult:
    proposal: Hashable
    score: float | None
    judges: int
    spread: float
    disagreement: bool
    rank: int | None = None
    totals: dict[Hashable, float] = field(default_factory=dict)


def aggregate(
    totals: Mapping[tuple[Hashable, Hashable], float],
    *,
    proposals: Iterable[Hashable] = (),
    method: str = WEIGHTED_MEAN,
    normalise: bool = False,
    trim: float = DEFAULT_TRIM,
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD,
) -> list[ProposalResult]:
    """Aggregate ``{(judge, proposal): total}`` into ranked results.

    ``proposals`` lists proposals to include even when no judge scored them (score None, ranked
    last). Ranking is by score, highest first; equal scores (to 1e-9) share a rank ("1224"), and
    ties are listed in the order of ``proposals`` then by key.
    """
    if method not in METHODS:
        raise AggregationError(f"Unknown method {method!r}.")
    used = normalise_by_judge(totals) if normalise else dict(totals)
    raw_by_proposal: dict[Hashable, dict[Hashable, float]] = {}
    used_by_proposal: dict[Hashable, list[float]] = {}
    for (judge, proposal), value in totals.items():
        raw_by_proposal.setdefault(proposal, {})[judge] = value
        used_by_proposal.setdefault(proposal, []).append(used[(judge, proposal)])
    order = list(dict.fromkeys([*proposals, *raw_by_proposal.keys()]))
    results = []
    for proposal in order:
        raw = raw_by_proposal.get(proposal, {})
        if raw:
            s = spread(raw.values())
            results.append(
                ProposalResult(
                    proposal=proposal,
                    score=combine(used_by_proposal[proposal], method, trim),
                    judges=len(raw),
                    spread=s,
                    disagreement=s >= disagreement_threshold,
                    totals=dict(raw),
                )
            )
        else:
            results.append(ProposalResult(proposal=proposal, score=None, judges=0, spread=0.0, disagreement=False))
    position = {p: i for i, p in enumerate(order)}
    results.sort(key=lambda r: (r.score is None, -(r.score or 0.0), position[r.proposal]))
    previous = None
    for i, r in enumerate(results, start=1):
        if r.score is None:
            r.rank = None
            continue
        if previous is not None and previous.score is not None and abs(previous.score - r.score) <= 1e-9:
            r.rank = previous.rank
        else:
            r.rank = i
        previous = r
    return results
