"""Consortium optimiser: the best k "virtual mega-companies" that fill every role of a mission.

Pure Python + HiGHS (PyPI ``highspy``); no Django import, so it runs in tests, benchmarks and the
command line alike. The decisions behind it are in docs/decisions/0008-consortium-optimiser.md.

Input: a :class:`Problem` — the roles a mission needs (each with a minimum and maximum number of
members), the eligible candidates per role with their fitness (0..1, from the matching engine),
organization-level bonuses (locality, track record), the cap ``max_members`` (N) on distinct
organizations and a per-member size penalty.

Mixed-integer programme (maximise)::

    x[o,r] in {0,1}   organization o fills role r      (only for candidate pairs)
    y[o]   in {0,1}   organization o is a member
    x[o,r] <= y[o]                   a role is filled by members only
    y[o]   <= sum_r x[o,r]           a member fills at least one role (no passengers)
    min_r  <= sum_o x[o,r] <= max_r  role limits
    sum_o y[o] <= N                  at most N distinct organizations
    max  sum fitness[o,r]*x[o,r] + sum (w_loc*locality[o] + w_tr*track[o] - penalty)*y[o]

An organization may fill several roles. The k best consortia come from re-solving with a no-good
cut on the member set of every earlier answer, so the k answers have pairwise different member
sets. Every answer carries the MIP gap HiGHS proved (0 = optimal for its solve).

Before the MIP, candidates are pruned by an *exact* dominance rule (:func:`prune`): an organization
is dropped when at least N + k - 1 other organizations could each take over whatever it does in
any consortium without lowering the objective. That never changes the k best objective values (proof in the
ADR, checked against brute force in the tests). A plain "top M per role by fitness" cut would not
be exact: an organization that fills several roles at once can be needed even where its fitness
for one of them is poor.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Assignment",
    "Candidate",
    "Consortium",
    "Member",
    "OrgInfo",
    "Problem",
    "ProblemError",
    "Result",
    "Role",
    "evaluate",
    "cut_per_role",
    "greedy",
    "mark_heuristic",
    "prune",
    "solve",
    "solve_with_cut",
]

EPS = 1e-9


class ProblemError(ValueError):
    """The problem is malformed (e.g. min > max, fitness outside 0..1, an unknown role)."""


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    code: str
    name: str = ""
    required_capabilities: tuple[str, ...] = ()
    min_members: int = 1
    max_members: int = 1

    @property
    def label(self) -> str:
        return f"{self.code} ({self.name})" if self.name and self.name != self.code else self.code


@dataclass(frozen=True)
class Candidate:
    """An eligible organization for one role, with its fitness (0..1) for that role."""

    organization: str
    role: str
    fitness: float
    capabilities_matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrgInfo:
    """Organization-level bonuses, each 0..1. Organizations not listed get 0 for both."""

    id: str
    locality: float = 0.0
    track_record: float = 0.0
    name: str = ""


@dataclass
class Problem:
    roles: Sequence[Role]
    candidates: Sequence[Candidate]
    orgs: Mapping[str, OrgInfo] | Sequence[OrgInfo] = ()
    max_members: int = 6
    size_penalty: float = 0.05
    locality_weight: float = 0.2
    track_record_weight: float = 0.2
    # Role code -> a sentence on organizations that hold the role's capabilities but are not
    # eligible (filled by whoever applied eligibility); used when a role cannot be filled.
    ineligible: Mapping[str, str] = field(default_factory=dict)

    def org_info(self, org_id: str) -> OrgInfo:
        return self._orgs.get(org_id) or OrgInfo(org_id)

    def bonus(self, org_id: str) -> float:
        """Locality and track-record bonus of one member (before the size penalty)."""
        info = self.org_info(org_id)
        return self.locality_weight * info.locality + self.track_record_weight * info.track_record

    def __post_init__(self) -> None:
        self.roles = list(self.roles)
        self.candidates = list(self.candidates)
        orgs = self.orgs.values() if isinstance(self.orgs, Mapping) else self.orgs
        self._orgs: dict[str, OrgInfo] = {o.id: o for o in orgs}

    def validate(self) -> None:
        """Raise :class:`ProblemError` naming the first problem found."""
        if not isinstance(self.max_members, int) or self.max_members < 1:
            raise ProblemError(f"max_members must be a positive integer, got {self.max_members!r}")
        for name in ("size_penalty", "locality_weight", "track_record_weight"):
            value = getattr(self, name)
            if not _finite(value) or value < 0:
                raise ProblemError(f"{name} must be a finite number >= 0, got {value!r}")
        if not self.roles:
            raise ProblemError("the problem lists no roles")
        codes: set[str] = set()
        for role in self.roles:
            if role.code in codes:
                raise ProblemError(f"role {role.code!r} is listed twice")
            codes.add(role.code)
            if not (isinstance(role.min_members, int) and isinstance(role.max_members, int)):
                raise ProblemError(f"role {role.code!r}: min and max must be integers")
            if role.min_members < 0 or role.max_members < 1 or role.min_members > role.max_members:
                raise ProblemError(
                    f"role {role.code!r}: need 0 <= min <= max and max >= 1, "
                    f"got min={role.min_members}, max={role.max_members}"
                )
        pairs: set[tuple[str, str]] = set()
        for c in self.candidates:
            if c.role not in codes:
                raise ProblemError(f"candidate {c.organization!r} names unknown role {c.role!r}")
            if not _finite(c.fitness) or not 0.0 <= c.fitness <= 1.0:
                raise ProblemError(
                    f"candidate {c.organization!r} for role {c.role!r}: fitness must be in 0..1, got {c.fitness!r}"
                )
            if (c.organization, c.role) in pairs:
                raise ProblemError(f"candidate {c.organization!r} is listed twice for role {c.role!r}")
            pairs.add((c.organization, c.role))
        for info in self._orgs.values():
            for name in ("locality", "track_record"):
                value = getattr(info, name)
                if not _finite(value) or not 0.0 <= value <= 1.0:
                    raise ProblemError(f"organization {info.id!r}: {name} must be in 0..1, got {value!r}")


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


@dataclass
class Assignment:
    role: str
    role_name: str
    fitness: float
    capabilities_matched: list[str]


@dataclass
class Member:
    organization: str
    name: str
    roles: list[Assignment]
    locality: float
    track_record: float

    @property
    def role_codes(self) -> list[str]:
        return [a.role for a in self.roles]


@dataclass
class Consortium:
    rank: int
    members: list[Member]
    objective: float
    breakdown: dict[str, float]
    gap: float | None  # relative MIP gap proved by HiGHS for this solve; None for heuristics
    status: str  # "optimal", "time_limit" or "heuristic"

    @property
    def member_ids(self) -> list[str]:
        return [m.organization for m in self.members]

    @property
    def roles(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for m in self.members:
            for a in m.roles:
                out[a.role].append(m.organization)
        return dict(out)

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "objective": round(self.objective, 6),
            "gap": self.gap,
            "status": self.status,
            "breakdown": {k: round(v, 6) for k, v in self.breakdown.items()},
            "members": [
                {
                    "organization": m.organization,
                    "name": m.name,
                    "locality": m.locality,
                    "track_record": m.track_record,
                    "roles": [
                        {
                            "role": a.role,
                            "role_name": a.role_name,
                            "fitness": round(a.fitness, 6),
                            "capabilities_matched": a.capabilities_matched,
                        }
                        for a in m.roles
                    ],
                }
                for m in self.members
            ],
            "roles": self.roles,
        }


@dataclass
class Result:
    consortia: list[Consortium] = field(default_factory=list)
    infeasible_roles: list[str] = field(default_factory=list)  # role codes nobody can fill
    reason: str = ""  # why there are no (or fewer than k) consortia; empty otherwise
    stats: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return bool(self.consortia)

    def to_dict(self) -> dict:
        return {
            "feasible": self.feasible,
            "consortia": [c.to_dict() for c in self.consortia],
            "infeasible_roles": self.infeasible_roles,
            "reason": self.reason,
            "stats": self.stats,
        }


# --------------------------------------------------------------------------------------------
# Shared evaluation
# --------------------------------------------------------------------------------------------


def evaluate(problem: Problem, assignment: Mapping[str, Iterable[str]]) -> tuple[float, dict[str, float]]:
    """Objective and breakdown of ``{role code: [organization ids]}`` (feasibility not checked)."""
    fit = {(c.organization, c.role): c.fitness for c in problem.candidates}
    members: set[str] = set()
    fitness = 0.0
    for role, orgs in assignment.items():
        for o in orgs:
            fitness += fit[(o, role)]
            members.add(o)
    locality = sum(problem.locality_weight * problem.org_info(o).locality for o in members)
    track = sum(problem.track_record_weight * problem.org_info(o).track_record for o in members)
    penalty = problem.size_penalty * len(members)
    breakdown = {
        "fitness": fitness,
        "locality": locality,
        "track_record": track,
        "size_penalty": -penalty,
        "members": float(len(members)),
    }
    return fitness + locality + track - penalty, breakdown


def is_feasible(problem: Problem, assignment: Mapping[str, Iterable[str]]) -> bool:
    """Whether ``{role: [orgs]}`` respects candidates, role limits and N (used by tests/bench)."""
    pairs = {(c.organization, c.role) for c in problem.candidates}
    members: set[str] = set()
    for role in problem.roles:
        orgs = list(assignment.get(role.code, ()))
        if len(set(orgs)) != len(orgs) or not role.min_members <= len(orgs) <= role.max_members:
            return False
        if any((o, role.code) not in pairs for o in orgs):
            return False
        members.update(orgs)
    return len(members) <= problem.max_members


def _consortium(
    problem: Problem, assignment: Mapping[str, Iterable[str]], rank: int, gap: float | None, status: str
) -> Consortium:
    cand = {(c.organization, c.role): c for c in problem.candidates}
    role_by_code = {r.code: r for r in problem.roles}
    by_org: dict[str, list[Assignment]] = defaultdict(list)
    for role in problem.roles:  # keep role order of the problem
        for o in sorted(assignment.get(role.code, ())):
            c = cand[(o, role.code)]
            by_org[o].append(
                Assignment(role.code, role_by_code[role.code].name, c.fitness, list(c.capabilities_matched))
            )
    objective, breakdown = evaluate(problem, assignment)
    members = []
    for o, roles in by_org.items():
        info = problem.org_info(o)
        members.append(Member(o, info.name, roles, info.locality, info.track_record))
    # Biggest contributors first: most roles, then total fitness.
    members.sort(key=lambda m: (-len(m.roles), -sum(a.fitness for a in m.roles), m.organization))
    return Consortium(rank, members, objective, breakdown, gap, status)


# --------------------------------------------------------------------------------------------
# Exact pruning
# --------------------------------------------------------------------------------------------


def prune(problem: Problem, k: int = 1) -> set[str]:
    """Organizations worth keeping; the k best objective values are unchanged (exact).

    Write V_a(R) = bonus(a) + sum of a's fitness over the roles R. Organization a *dominates* b
    when a is a candidate for every role b is a candidate for and V_a(R) >= V_b(R) for every
    non-empty set R of b's roles: whatever b does in a consortium, a can do instead, and the
    objective does not drop. This is transitive; exact ties are broken by id, so dominance is a
    strict partial order. b is dropped when at least m = N + k - 1 organizations dominate it.

    Why that is safe: take any consortium S that uses dropped organizations. Among b's dominators
    at least m are kept (the first m of them in any order compatible with dominance have fewer
    than m dominators each). S has at most N members, so at least m - (N - 1) = k kept
    dominators are outside S and not used to replace another dropped member; swapping b for any
    of them, in exactly the roles b filled, keeps every role count and the size, and does not
    lower the objective. So every such S is matched by k different consortia of kept
    organizations that are at least as good, and the k best values are reached without dropped
    organizations. (Tested against brute force in tests/test_optimizer.py.)
    """
    m = problem.max_members + max(k, 1) - 1
    roles_of: dict[str, dict[str, float]] = defaultdict(dict)
    for c in problem.candidates:
        roles_of[c.organization][c.role] = c.fitness
    bonus = {o: problem.bonus(o) for o in roles_of}
    # Per role: organizations by single-role value V({r}) = fitness + bonus, best first.
    ranked: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for o, rs in roles_of.items():
        for r, f in rs.items():
            ranked[r].append((-(f + bonus[o]), o))
    position: dict[tuple[str, str], int] = {}
    for r, lst in ranked.items():
        lst.sort()
        for i, (_, o) in enumerate(lst):
            position[(o, r)] = i

    def weakly(a: str, b: str) -> bool:
        """V_a(R) >= V_b(R) for every non-empty R within b's roles (a covers them all)."""
        ra = roles_of[a]
        negative = 0.0
        smallest = math.inf
        any_negative = False
        for r, fb in roles_of[b].items():
            fa = ra.get(r)
            if fa is None:
                return False
            d = fa - fb
            if d < 0:
                negative += d
                any_negative = True
            smallest = min(smallest, d)
        worst = negative if any_negative else smallest  # the worst non-empty R
        return bonus[a] - bonus[b] + worst >= 0

    def dominates(a: str, b: str) -> bool:
        if not weakly(a, b):
            return False
        if len(roles_of[a]) != len(roles_of[b]) or not weakly(b, a):
            return True
        return a < b  # equivalent: the smaller id wins

    keep: set[str] = set()
    for b, rs in roles_of.items():
        # A dominator has V_a({r}) >= V_b({r}) in every role of b: scan the role where b ranks
        # highest (fewest organizations at or above it). Stop as soon as m are found.
        r = min(rs, key=lambda code: position[(b, code)])
        vb = rs[r] + bonus[b]
        found = 0
        for neg_v, a in ranked[r]:
            if -neg_v < vb:
                break
            if a != b and dominates(a, b):
                found += 1
                if found >= m:
                    break
        if found < m:
            keep.add(b)
    return keep


# --------------------------------------------------------------------------------------------
# HiGHS
# --------------------------------------------------------------------------------------------

_banner_lock = threading.Lock()
_banner_done = False


def _new_highs():
    """A silent ``highspy.Highs``. The first construction in a process prints a banner straight
    to file descriptor 1 from C++, which would corrupt JSON on stdout; swallow it once."""
    global _banner_done
    import highspy

    with _banner_lock:
        if not _banner_done:
            sys.stdout.flush()
            try:
                saved = os.dup(1)
            except OSError:  # no real stdout (embedded); nothing to protect
                saved = None
            if saved is not None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                try:
                    h = highspy.Highs()
                finally:
                    os.dup2(saved, 1)
                    os.close(saved)
                    os.close(devnull)
            else:
                h = highspy.Highs()
            _banner_done = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    return h


class _Model:
    """The MIP of a problem restricted to ``orgs``; re-solvable with no-good cuts."""

    def __init__(self, problem: Problem, orgs: set[str], with_cap: bool = True):
        import highspy

        self.problem = problem
        self.pairs = [c for c in problem.candidates if c.organization in orgs]
        self.orgs = sorted({c.organization for c in self.pairs})
        self.org_index = {o: i for i, o in enumerate(self.orgs)}
        nx, ny = len(self.pairs), len(self.orgs)
        self.nx, self.ny = nx, ny
        h = self.h = _new_highs()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1e-7)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)

        cost = np.empty(nx + ny)
        cost[:nx] = [c.fitness for c in self.pairs]
        cost[nx:] = [problem.bonus(o) - problem.size_penalty for o in self.orgs]
        n = nx + ny
        h.addCols(
            n, cost, np.zeros(n), np.ones(n), 0, np.zeros(n, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0)
        )
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))

        rows_lo: list[float] = []
        rows_hi: list[float] = []
        starts: list[int] = []
        idx: list[int] = []
        val: list[float] = []

        def row(lo: float, hi: float, entries: Iterable[tuple[int, float]]) -> None:
            starts.append(len(idx))
            for j, v in entries:
                idx.append(j)
                val.append(v)
            rows_lo.append(lo)
            rows_hi.append(hi)

        inf = highspy.kHighsInf
        x_of_org: dict[int, list[int]] = defaultdict(list)
        x_of_role: dict[str, list[int]] = defaultdict(list)
        for j, c in enumerate(self.pairs):
            yo = nx + self.org_index[c.organization]
            row(-inf, 0.0, ((j, 1.0), (yo, -1.0)))  # x[o,r] <= y[o]
            x_of_org[yo].append(j)
            x_of_role[c.role].append(j)
        for yo, xs in x_of_org.items():
            row(-inf, 0.0, [(yo, 1.0)] + [(j, -1.0) for j in xs])  # y[o] <= sum_r x[o,r]
        for role in problem.roles:
            row(role.min_members, role.max_members, [(j, 1.0) for j in x_of_role[role.code]])
        # A consortium has at least one member (roles with min 0 could otherwise allow none).
        row(1.0, problem.max_members if with_cap else inf, [(nx + i, 1.0) for i in range(ny)])
        h.addRows(
            len(rows_lo),
            np.array(rows_lo),
            np.array(rows_hi),
            len(idx),
            np.array(starts, dtype=np.int32),
            np.array(idx, dtype=np.int32),
            np.array(val),
        )

    def exclude(self, members: Iterable[str]) -> None:
        """No-good cut: the next member set must differ from ``members`` in at least one org."""
        s = {self.org_index[o] for o in members}
        idx = np.arange(self.nx, self.nx + self.ny, dtype=np.int32)
        val = np.array([-1.0 if i in s else 1.0 for i in range(self.ny)])
        import highspy

        self.h.addRows(
            1, np.array([1.0 - len(s)]), np.array([highspy.kHighsInf]), self.ny, np.array([0], dtype=np.int32), idx, val
        )

    def run(self, time_limit: float) -> tuple[str, dict[str, list[str]] | None, float | None, float]:
        """Solve; returns (status, assignment or None, gap, dual bound)."""
        import highspy

        h = self.h
        h.setOptionValue("time_limit", max(float(time_limit), 0.01))
        h.run()
        status = h.getModelStatus()
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal:
            label = "optimal"
        elif status == highspy.HighsModelStatus.kInfeasible:
            return "infeasible", None, None, -math.inf
        elif status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
            label = "time_limit"
        else:
            label = h.modelStatusToString(status)
        if not has_solution:
            return label if label != "optimal" else "no_solution", None, None, info.mip_dual_bound
        values = np.asarray(h.getSolution().col_value)
        assignment: dict[str, list[str]] = defaultdict(list)
        for j, c in enumerate(self.pairs):
            if values[j] > 0.5:
                assignment[c.role].append(c.organization)
        gap = 0.0 if label == "optimal" else float(info.mip_gap)
        return label, dict(assignment), gap, float(info.mip_dual_bound)


def _min_members(problem: Problem, time_limit: float) -> tuple[int | None, int, bool]:
    """Smallest consortium that fills every role ignoring N: (best found, lower bound, proven)."""
    import highspy

    model = _Model(problem, {c.organization for c in problem.candidates}, with_cap=False)
    h = model.h
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    n = model.nx + model.ny
    cost = np.zeros(n)
    cost[model.nx :] = 1.0
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.setOptionValue("time_limit", max(time_limit, 0.01))
    h.run()
    info = h.getInfo()
    proven = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    best = round(info.objective_function_value) if info.primal_solution_status == 2 else None
    bound = math.ceil(info.mip_dual_bound - 1e-6) if math.isfinite(info.mip_dual_bound) else 1
    return best, max(bound, 1), proven


# --------------------------------------------------------------------------------------------
# Solve
# --------------------------------------------------------------------------------------------


def unfillable_roles(problem: Problem) -> list[tuple[Role, int]]:
    """Roles that cannot be filled even alone: fewer eligible candidates than their minimum, or a
    minimum above N. Returns (role, number of eligible candidates)."""
    count: dict[str, int] = defaultdict(int)
    for c in problem.candidates:
        count[c.role] += 1
    return [
        (r, count[r.code])
        for r in problem.roles
        if count[r.code] < r.min_members or r.min_members > problem.max_members
    ]


def solve(
    problem: Problem, k: int = 5, time_limit: float = 30.0, *, use_pruning: bool = True, explain: bool = True
) -> Result:
    """The k best consortia with pairwise different member sets, best first.

    Guarantees: every consortium fills each role with between its min and max members, all of
    them eligible candidates for that role, and has at most N distinct members, each filling at
    least one role. Consortium i is optimal among consortia whose member set differs from
    consortia 1..i-1 when its ``status`` is "optimal" (``gap`` 0); after ``time_limit`` seconds
    (shared by the k solves) it is the best found, with the gap HiGHS proved. When no consortium
    exists, ``consortia`` is empty, ``infeasible_roles`` lists the roles nobody eligible can fill
    and ``reason`` says why in a sentence (including the case where every role is fillable alone
    but not together within N members). Fewer than k consortia are returned, with a reason, when
    fewer distinct ones exist. ``explain=False`` skips the search for the smallest consortium that
    explains a joint infeasibility (used for a cut instance about to fall back to the whole one).
    """
    if k < 1:
        raise ProblemError(f"k must be >= 1, got {k}")
    problem.validate()
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    result = Result()
    all_orgs = {c.organization for c in problem.candidates}
    result.stats.update(candidates=len(problem.candidates), organizations=len(all_orgs), roles=len(problem.roles))

    bad = unfillable_roles(problem)
    if bad:
        result.infeasible_roles = [r.code for r, _ in bad]
        parts = []
        for r, n in bad:
            if r.min_members > problem.max_members:
                parts.append(
                    f"{r.label} needs {r.min_members} members but a consortium may have at most {problem.max_members}"
                )
            else:
                note = problem.ineligible.get(r.code)
                if note:
                    parts.append(f"{r.label} needs {r.min_members} eligible organization(s), {n} eligible: {note}")
                else:
                    parts.append(f"{r.label} needs {r.min_members} eligible organization(s), {n} found")
        result.reason = "No consortium can fill every role: " + "; ".join(parts) + "."
        result.stats["seconds"] = round(time.perf_counter() - t0, 4)
        return result

    if not all_orgs:
        result.reason = "No organization is an eligible candidate for any role."
        result.stats["seconds"] = round(time.perf_counter() - t0, 4)
        return result

    kept = prune(problem, k) if use_pruning else all_orgs
    t_prune = time.perf_counter()
    model = _Model(problem, kept)
    result.stats.update(
        organizations_kept=len(model.orgs),
        pairs_kept=len(model.pairs),
        prune_seconds=round(t_prune - t0, 4),
        build_seconds=round(time.perf_counter() - t_prune, 4),
    )
    solve_times = []
    for rank in range(1, k + 1):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            result.reason = f"time limit reached after {len(result.consortia)} consortia"
            break
        ts = time.perf_counter()
        status, assignment, gap, _bound = model.run(remaining)
        solve_times.append(time.perf_counter() - ts)
        if assignment is None:
            if rank == 1:
                if status == "infeasible" and explain:
                    result.reason = _joint_infeasibility_reason(problem, deadline)
                elif status == "infeasible":
                    result.reason = "no consortium of the kept candidates fills every role"
                else:
                    result.reason = f"no consortium found within the time limit ({status})"
            elif status == "infeasible":
                result.reason = f"only {rank - 1} different consortia exist"
            else:
                result.reason = f"stopped after {rank - 1} consortia ({status})"
            break
        c = _consortium(problem, assignment, rank, gap, status)
        result.consortia.append(c)
        model.exclude(c.member_ids)
    result.stats["solve_seconds"] = [round(s, 4) for s in solve_times]
    result.stats["seconds"] = round(time.perf_counter() - t0, 4)
    return result


def cut_per_role(candidates: Sequence[Candidate], per_role: int) -> tuple[list[Candidate], int]:
    """The best ``per_role`` candidates of each role by fitness, keeping every candidate tied with
    the last one kept (so the cut never depends on how ids sort). Returns (kept, number dropped).
    ``per_role`` < 1 keeps everything."""
    if per_role < 1:
        return list(candidates), 0
    by_role: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_role[c.role].append(c)
    keep: set[tuple[str, str]] = set()
    for cs in by_role.values():
        cs.sort(key=lambda c: -c.fitness)
        threshold = cs[min(per_role, len(cs)) - 1].fitness
        keep.update((c.organization, c.role) for c in cs if c.fitness >= threshold)
    kept = [c for c in candidates if (c.organization, c.role) in keep]
    return kept, len(candidates) - len(kept)


def solve_with_cut(problem: Problem, per_role: int, k: int = 5, time_limit: float = 30.0) -> Result:
    """:func:`solve` on the instance cut to the best ``per_role`` candidates of each role
    (:func:`cut_per_role`), honestly labelled. ``problem`` is the whole instance.

    * Nothing cut (no role has more candidates than ``per_role`` beyond ties): the exact answer.
    * The cut is *proved safe* when it keeps every candidate pair of every organization that the
      exact dominance rule (:func:`prune`) keeps on the whole instance: the cut instance then lies
      between the pruned and the whole instance, whose k best values are equal, so the answers
      keep their "optimal" status and gap.
    * Otherwise the answers are a heuristic (``status`` "heuristic", ``gap`` None): the best
      consortia among the kept candidates, with no claim about the whole instance.
    * When the cut instance has no consortium, the whole instance is solved instead (exact) and
      ``stats["candidate_cut"]`` says so.
    """
    if k < 1:
        raise ProblemError(f"k must be >= 1, got {k}")
    problem.validate()
    kept, dropped = cut_per_role(problem.candidates, per_role)
    if not dropped:
        return solve(problem, k, time_limit)
    t0 = time.perf_counter()
    kept_pairs = {(c.organization, c.role) for c in kept}
    needed = prune(problem, k)
    safe = all((c.organization, c.role) in kept_pairs for c in problem.candidates if c.organization in needed)
    cut = Problem(
        problem.roles,
        kept,
        problem._orgs,
        max_members=problem.max_members,
        size_penalty=problem.size_penalty,
        locality_weight=problem.locality_weight,
        track_record_weight=problem.track_record_weight,
        ineligible=problem.ineligible,
    )
    result = solve(cut, k, max(time_limit - (time.perf_counter() - t0), 0.01), explain=False)
    info: dict = {"per_role": per_role, "dropped": dropped}
    if not result.feasible:
        result = solve(problem, k, max(time_limit - (time.perf_counter() - t0), 0.01))
        info["fallback"] = "whole instance"
    elif safe:
        info["proved_safe"] = True
    else:
        mark_heuristic(result, per_role, dropped)
        return result
    result.stats["candidate_cut"] = info
    return result


def mark_heuristic(result: Result, per_role: int, dropped: int | None = None) -> None:
    """Label the answers of a cut instance as a heuristic (``status`` "heuristic", ``gap`` None):
    they are the best among the kept candidates, with no claim about the whole instance."""
    left_out = f"{dropped} candidate pair(s) were left out" if dropped is not None else "others were left out"
    result.stats["candidate_cut"] = {
        "per_role": per_role,
        "dropped": dropped,
        "proved_safe": False,
        "note": (
            f"heuristic: only the best {per_role} candidates of each role (and ties) were considered; "
            f"{left_out}, so these consortia are the best among the kept candidates, not proved the best of all"
        ),
    }
    for c in result.consortia:
        c.status, c.gap = "heuristic", None


def _joint_infeasibility_reason(problem: Problem, deadline: float) -> str:
    budget = min(max(deadline - time.perf_counter(), 1.0), 10.0)
    best, bound, proven = _min_members(problem, budget)
    head = (
        f"Every role has eligible organizations, but no consortium of at most "
        f"{problem.max_members} members fills all {len(problem.roles)} roles together"
    )
    if proven and best is not None:
        return f"{head}: the smallest one needs {best} members."
    if best is not None:
        return f"{head}: the smallest one needs between {bound} and {best} members."
    return f"{head}: it needs at least {bound} members."


# --------------------------------------------------------------------------------------------
# Greedy heuristic (benchmark baseline)
# --------------------------------------------------------------------------------------------


def greedy(problem: Problem) -> Consortium | None:
    """Set-cover greedy: repeatedly add the organization that covers most still-missing role
    seats (ties: most fitness + bonus), until every minimum is met or N is reached; then fill
    roles up to their maximum with members already chosen. No optimality guarantee; None when it
    fails to fill every role within N members."""
    problem.validate()
    fit: dict[str, dict[str, float]] = defaultdict(dict)
    for c in problem.candidates:
        fit[c.organization][c.role] = c.fitness
    need = {r.code: r.min_members for r in problem.roles}
    chosen: list[str] = []
    chosen_set: set[str] = set()
    assignment: dict[str, list[str]] = defaultdict(list)
    # A consortium has at least one member, even when every role has minimum 0.
    while (any(v > 0 for v in need.values()) or not chosen) and len(chosen) < problem.max_members:
        best, best_key = None, None
        for o, rs in fit.items():
            if o in chosen_set:
                continue
            covers = [r for r in rs if need[r] > 0] if chosen or any(need.values()) else list(rs)
            if not covers:
                continue
            key = (len(covers), sum(rs[r] for r in covers) + problem.bonus(o), o)
            if best_key is None or key[:2] > best_key[:2] or (key[:2] == best_key[:2] and o < best):
                best, best_key = o, key
        if best is None:
            break
        chosen.append(best)
        chosen_set.add(best)
        for r in fit[best]:
            if need[r] > 0:
                assignment[r].append(best)
                need[r] -= 1
    if any(v > 0 for v in need.values()) or not chosen:
        return None
    # Extra seats: members already in the consortium add fitness (>= 0) at no member cost.
    max_of = {r.code: r.max_members for r in problem.roles}
    for o in chosen:
        for r, _f in sorted(fit[o].items(), key=lambda t: -t[1]):
            if o not in assignment[r] and len(assignment[r]) < max_of[r]:
                assignment[r].append(o)
    return _consortium(problem, dict(assignment), 1, None, "heuristic")
