"""Consortium optimiser against brute force. Runs without Django:

.venv/bin/pytest -p no:django -p no:cacheprovider hamafza/consortia/tests
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamafza.consortia.optimizer import (
    Candidate,
    OrgInfo,
    Problem,
    ProblemError,
    Role,
    evaluate,
    greedy,
    is_feasible,
    prune,
    solve,
)

TOL = 1e-6


@pytest.fixture(autouse=True)
def _english_free_language():
    """The project conftest's autouse fixture of this name needs pytest-django's ``settings``;
    these tests are pure Python and also run with ``-p no:django``, so override it here."""
    yield


# ------------------------------------------------------------------------------------------
# Brute force: every subset of candidate pairs.
# ------------------------------------------------------------------------------------------


def brute_force(problem: Problem) -> dict[frozenset[str], float]:
    """Best objective per member set, over all feasible assignments (members = orgs used)."""
    pairs = [(c.organization, c.role) for c in problem.candidates]
    assert len(pairs) <= 16, "brute force is exponential"
    best: dict[frozenset[str], float] = {}
    for mask in range(1 << len(pairs)):
        assignment: dict[str, list[str]] = defaultdict(list)
        for i, (o, r) in enumerate(pairs):
            if mask >> i & 1:
                assignment[r].append(o)
        if not is_feasible(problem, assignment):
            continue
        members = frozenset(o for orgs in assignment.values() for o in orgs)
        if not members:  # a consortium has at least one member
            continue
        value, _ = evaluate(problem, assignment)
        if value > best.get(members, -1e18):
            best[members] = value
    return best


def top_values(best: dict[frozenset[str], float], k: int) -> list[float]:
    return sorted(best.values(), reverse=True)[:k]


def assignment_of(consortium) -> dict[str, list[str]]:
    return consortium.roles


def check_against_brute_force(problem: Problem, k: int, use_pruning: bool = True) -> None:
    expected = top_values(brute_force(problem), k)
    result = solve(problem, k=k, time_limit=20, use_pruning=use_pruning)
    got = [c.objective for c in result.consortia]
    assert len(got) == len(expected), (got, expected, result.reason)
    for g, e in zip(got, expected, strict=True):
        assert abs(g - e) <= TOL, (got, expected)
    seen = set()
    for c in result.consortia:
        assert is_feasible(problem, assignment_of(c))
        members = frozenset(c.member_ids)
        assert members not in seen
        seen.add(members)
        assert c.status == "optimal" and c.gap == 0.0
        # Every member fills at least one role.
        assert all(m.roles for m in c.members)
    if not expected:
        assert result.reason
        assert not result.feasible


# ------------------------------------------------------------------------------------------
# Random small instances
# ------------------------------------------------------------------------------------------

GRID = st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 1.0])


@st.composite
def problems(draw, max_pairs: int = 13, max_roles: int = 3, max_orgs: int = 5, max_n: int = 4):
    n_roles = draw(st.integers(1, max_roles))
    roles = []
    for i in range(n_roles):
        lo = draw(st.integers(0, 2))
        hi = draw(st.integers(max(lo, 1), 3))
        roles.append(Role(f"r{i}", f"role {i}", (f"cap{i}",), lo, hi))
    n_orgs = draw(st.integers(1, max_orgs))
    cands = []
    for o in range(n_orgs):
        for r in roles:
            if len(cands) < max_pairs and draw(st.booleans()):
                cands.append(Candidate(f"o{o}", r.code, draw(GRID), (r.required_capabilities[0],)))
    orgs = [OrgInfo(f"o{o}", draw(GRID), draw(GRID)) for o in range(n_orgs)]
    return Problem(
        roles,
        cands,
        orgs,
        max_members=draw(st.integers(1, max_n)),
        size_penalty=draw(st.sampled_from([0.0, 0.05, 0.3, 1.0])),
        locality_weight=draw(st.sampled_from([0.0, 0.2, 0.5])),
        track_record_weight=draw(st.sampled_from([0.0, 0.2, 0.5])),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(1, 4))
def test_matches_brute_force(problem, k):
    check_against_brute_force(problem, k)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(1, 3))
def test_matches_brute_force_without_pruning(problem, k):
    check_against_brute_force(problem, k, use_pruning=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_pairs=14, max_roles=2, max_orgs=9, max_n=2), st.integers(1, 2))
def test_pruning_is_exact_when_it_prunes(problem, k):
    """Many organizations, few roles and a small N: pruning drops organizations here, and the k
    best values must still equal brute force (which never prunes)."""
    check_against_brute_force(problem, k)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_greedy_is_feasible_and_never_beats_the_optimum(problem):
    best = brute_force(problem)
    g = greedy(problem)
    if g is None:
        return
    assert is_feasible(problem, g.roles)
    assert best and g.objective <= max(best.values()) + TOL


def test_pruning_drops_dominated_organizations():
    roles = [Role("a", "A")]
    cands = [Candidate(f"o{i}", "a", i / 10) for i in range(10)]
    problem = Problem(roles, cands, max_members=2)
    # m = N + k - 1 = 2: only o9 and o8 have fewer than 2 dominators.
    assert prune(problem, k=1) == {"o9", "o8"}
    assert prune(problem, k=3) == {"o9", "o8", "o7", "o6"}


# ------------------------------------------------------------------------------------------
# Named behaviours
# ------------------------------------------------------------------------------------------


def value_chain():
    roles = [
        Role("supply", "Supply", ("supply",)),
        Role("production", "Production", ("production",), 1, 2),
        Role("sales", "Sales", ("sales",)),
    ]
    cands = [
        Candidate("A", "supply", 0.9, ("supply",)),
        Candidate("A", "production", 0.4, ("production",)),
        Candidate("B", "production", 0.8, ("production",)),
        Candidate("B", "sales", 0.7, ("sales",)),
        Candidate("C", "sales", 0.95, ("sales",)),
        Candidate("D", "supply", 0.5, ("supply",)),
        Candidate("D", "production", 0.6, ("production",)),
        Candidate("D", "sales", 0.5, ("sales",)),
    ]
    orgs = [OrgInfo("A", 1.0, 0.0, "Alpha"), OrgInfo("B", 0.5, 1.0), OrgInfo("C", 0.0, 0.5), OrgInfo("D", 0.0, 0.0)]
    return Problem(roles, cands, orgs, max_members=3, size_penalty=0.1)


def test_explanations_name_roles_capabilities_and_fitness():
    result = solve(value_chain(), k=1)
    (c,) = result.consortia
    assert c.status == "optimal" and c.gap == 0.0
    a = next(m for m in c.members if m.organization == "A")
    assert a.name == "Alpha"
    supply = next(x for x in a.roles if x.role == "supply")
    assert supply.fitness == 0.9 and supply.capabilities_matched == ["supply"]
    d = c.to_dict()
    assert d["members"][0]["roles"][0]["fitness"] > 0
    assert abs(sum(v for key, v in c.breakdown.items() if key != "members") - c.objective) < TOL


def test_an_organization_may_fill_several_roles():
    problem = value_chain()
    problem.max_members = 1
    result = solve(problem, k=1)
    (c,) = result.consortia
    assert c.member_ids == ["D"]
    assert sorted(c.members[0].role_codes) == ["production", "sales", "supply"]


def test_role_max_and_min_limits():
    roles = [Role("p", "P", (), 2, 2)]
    cands = [Candidate(o, "p", f) for o, f in [("a", 0.9), ("b", 0.8), ("c", 0.7)]]
    result = solve(Problem(roles, cands, max_members=6, size_penalty=0.0), k=3)
    assert [sorted(c.member_ids) for c in result.consortia] == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert all(len(c.roles["p"]) == 2 for c in result.consortia)


def test_n_limit_is_respected():
    roles = [Role(f"r{i}", "", (), 1, 1) for i in range(4)]
    cands = [Candidate(f"s{i}", f"r{i}", 1.0) for i in range(4)]  # specialists, perfect fit
    cands += [Candidate("g", f"r{i}", 0.2) for i in range(4)]  # a generalist
    result = solve(Problem(roles, cands, max_members=2, size_penalty=0.0), k=1)
    (c,) = result.consortia
    assert len(c.member_ids) <= 2 and "g" in c.member_ids


def test_k_distinct_solutions_best_first_and_fewer_when_exhausted():
    result = solve(value_chain(), k=50)
    values = [c.objective for c in result.consortia]
    assert values == sorted(values, reverse=True)
    sets = [frozenset(c.member_ids) for c in result.consortia]
    assert len(set(sets)) == len(sets)
    assert len(sets) == len(brute_force(value_chain()))
    assert "different consortia exist" in result.reason


def test_infeasible_names_the_roles_nobody_can_fill():
    problem = value_chain()
    problem.roles.append(Role("install", "Installation", ("installation",)))
    problem.roles.append(Role("maint", "Maintenance", ("maintenance",), 2, 2))
    problem.candidates.append(Candidate("A", "maint", 0.5))
    result = solve(problem, k=3)
    assert not result.feasible and result.consortia == []
    assert result.infeasible_roles == ["install", "maint"]
    assert "Installation" in result.reason and "Maintenance" in result.reason
    assert "1 found" in result.reason


def test_role_minimum_above_n_is_named():
    roles = [Role("a", "A", (), 3, 3)]
    cands = [Candidate(o, "a", 0.5) for o in "xyz"]
    result = solve(Problem(roles, cands, max_members=2), k=1)
    assert result.infeasible_roles == ["a"] and "at most 2" in result.reason


def test_jointly_infeasible_under_n_says_so():
    roles = [Role(f"r{i}", "", (), 1, 1) for i in range(3)]
    cands = [Candidate(f"s{i}", f"r{i}", 1.0) for i in range(3)]
    result = solve(Problem(roles, cands, max_members=2), k=2)
    assert not result.feasible
    assert result.infeasible_roles == []
    assert "at most 2 members" in result.reason and "smallest one needs 3 members" in result.reason


def test_plain_top_m_by_fitness_would_not_be_exact():
    """The integrator 'g' is the worst candidate for r0 by fitness, yet the only way to fill all
    roles with N = 2 uses it for r0. Dominance pruning keeps it; a top-1-per-role cut would not."""
    roles = [Role(f"r{i}", "", (), 1, 1) for i in range(3)]
    cands = [Candidate("s0", "r0", 1.0), Candidate("s1", "r1", 1.0), Candidate("s2", "r2", 1.0)]
    cands += [Candidate("g", "r0", 0.1), Candidate("g", "r1", 0.3), Candidate("g", "r2", 0.3)]
    problem = Problem(roles, cands, max_members=2, size_penalty=0.0)
    assert "g" in prune(problem, k=1)
    (c,) = solve(problem, k=1).consortia
    assert "g" in c.member_ids and abs(c.objective - 1.6) < TOL


def test_validation_errors():
    with pytest.raises(ProblemError, match="min <= max"):
        solve(Problem([Role("a", "", (), 2, 1)], []), k=1)
    with pytest.raises(ProblemError, match="0..1"):
        solve(Problem([Role("a")], [Candidate("o", "a", 1.5)]), k=1)
    with pytest.raises(ProblemError, match="unknown role"):
        solve(Problem([Role("a")], [Candidate("o", "b", 0.5)]), k=1)
    with pytest.raises(ProblemError, match="twice"):
        solve(Problem([Role("a")], [Candidate("o", "a", 0.5), Candidate("o", "a", 0.6)]), k=1)
    with pytest.raises(ProblemError, match="max_members"):
        solve(Problem([Role("a")], [], max_members=0), k=1)


def test_gap_is_reported_under_a_time_limit():
    """A larger instance with a tiny limit still reports a consortium status and a numeric gap
    (or a clear reason when nothing was found in time)."""
    import random

    rng = random.Random(7)
    roles = [Role(f"r{i}", "", (), 1, 2) for i in range(12)]
    cands = []
    for o in range(300):
        for r in rng.sample(range(12), rng.randint(1, 5)):
            cands.append(Candidate(f"o{o}", f"r{r}", round(rng.random(), 3)))
    orgs = [OrgInfo(f"o{o}", rng.random(), rng.random()) for o in range(300)]
    problem = Problem(roles, cands, orgs, max_members=3)
    result = solve(problem, k=2, time_limit=30)
    for c in result.consortia:
        assert isinstance(c.gap, float) and c.gap >= 0
        assert c.status in {"optimal", "time_limit"}
        assert is_feasible(problem, c.roles)


def test_brute_force_cross_check_on_a_fixed_instance():
    for k in (1, 3, 8):
        check_against_brute_force(value_chain(), k)
        check_against_brute_force(value_chain(), k, use_pruning=False)


def test_objective_counts_each_member_bonus_once():
    problem = value_chain()
    assignment = {"supply": ["A"], "production": ["A", "B"], "sales": ["B"]}
    value, breakdown = evaluate(problem, assignment)
    assert breakdown["members"] == 2.0
    expected = 0.9 + 0.4 + 0.8 + 0.7 + 0.2 * (1.0 + 0.5) + 0.2 * 1.0 - 0.1 * 2
    assert abs(value - expected) < TOL


def test_itertools_sanity():  # keep brute force honest: it sees every member set
    problem = value_chain()
    sets = set(brute_force(problem))
    for n in range(1, 4):
        for s in itertools.combinations("ABCD", n):
            fs = frozenset(s)
            if fs in sets:
                assert len(fs) <= 3


# ------------------------------------------------------------------------------------------
# Command line (declared-capabilities fitness, so no matching engine is needed)
# ------------------------------------------------------------------------------------------


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


ORGS_JSONL = "\n".join(
    json_line
    for json_line in [
        '{"id": "a", "name": "A", "city": "Qom", "province": "Qom", '
        '"capabilities": ["supply", "production"], "track_record": 5}',
        '{"id": "b", "name": "B", "city": "Karaj", "province": "Alborz", "capabilities": ["sales"]}',
        '{"id": "c", "name": "C", "city": "Qom", "province": "Qom", '
        '"capabilities": ["sales", "supply"], "knowledge_based": true}',
    ]
)
ROLES_JSON = """{"roles": [
  {"code": "supply", "name": "Supply", "capabilities": ["supply"], "min": 1, "max": 1},
  {"code": "sales", "name": "Sales", "capabilities": ["sales"], "min": 1, "max": 2}
 ], "eligibility": {}, "city": "Qom", "province": "Qom"}"""


def test_cli_prints_consortia_as_json(tmp_path):
    import io
    import json

    from hamafza.consortia.cli import run

    out, err = io.StringIO(), io.StringIO()
    code = run(
        _write(tmp_path / "r.json", ROLES_JSON),
        _write(tmp_path / "o.jsonl", ORGS_JSONL),
        3,
        2,
        fitness="capabilities",
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert doc["feasible"] and len(doc["consortia"]) >= 1
    first = doc["consortia"][0]
    assert first["gap"] == 0.0 and first["status"] == "optimal"
    assert all(r["capabilities_matched"] for m in first["members"] for r in m["roles"])


def test_cli_bad_input_lists_line_numbers_and_exits_2(tmp_path):
    import io

    from hamafza.consortia.cli import run

    orgs = _write(tmp_path / "o.jsonl", '{"id": "a", "name": "A"}\n{oops\n{"id": "a", "name": "again"}\n')
    err = io.StringIO()
    code = run(
        _write(tmp_path / "r.json", ROLES_JSON), orgs, 3, 6, fitness="capabilities", stdout=io.StringIO(), stderr=err
    )
    assert code == 2
    assert "o.jsonl:2: bad JSON" in err.getvalue() and "o.jsonl:3: duplicate id 'a'" in err.getvalue()
    assert "Traceback" not in err.getvalue()

    roles = _write(tmp_path / "bad.json", '{"roles": [\n {"code": "x", "capabilities": ["s"], "min": 2, "max": 1}\n]}')
    err = io.StringIO()
    assert run(roles, str(tmp_path / "o.jsonl"), 3, 6, fitness="capabilities", stdout=io.StringIO(), stderr=err) == 2
    assert "bad.json:2: roles[0] (x): 'min' (2) is greater than 'max' (1)" in err.getvalue()

    err = io.StringIO()
    assert run(_write(tmp_path / "syntax.json", '{"roles": [\n,]}'), orgs, 3, 6, stdout=io.StringIO(), stderr=err) == 2
    assert "syntax.json:2:1: bad JSON" in err.getvalue()


def test_cli_infeasible_names_roles_and_exits_1(tmp_path):
    import io
    import json

    from hamafza.consortia.cli import run

    roles = ROLES_JSON.replace('"eligibility": {}', '"eligibility": {"provinces": ["Alborz"]}')
    out, err = io.StringIO(), io.StringIO()
    code = run(
        _write(tmp_path / "r.json", roles),
        _write(tmp_path / "o.jsonl", ORGS_JSONL),
        3,
        6,
        fitness="capabilities",
        stdout=out,
        stderr=err,
    )
    assert code == 1
    doc = json.loads(out.getvalue())
    assert doc["infeasible_roles"] == ["supply"] and "Supply" in doc["reason"]
