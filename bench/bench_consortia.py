"""Benchmark: the consortium optimiser on generated national-scale instances.

    .venv/bin/python bench/bench_consortia.py                # 2,000 orgs, 40 roles, N = 6, 5 seeds
    .venv/bin/python bench/bench_consortia.py --seeds 1 --orgs 5000

For each seed it prints the time to the optimum (k = 1, pruning + model build + HiGHS), the time
for the k = 5 best, the same without pruning, and the greedy heuristic's objective against the
optimum, all in one run; then two infeasible variants (two roles nobody can fill; N too small for
the roles together). Target: the optimum in <= 1 s on a 2-core machine.

Generator. 40 roles form a value chain laid on a circle (supply ... maintenance, then round
again). 40 roles with at most 6 members is only feasible if members fill several roles, so:
  * 95% of the organizations are specialists with 1-3 capabilities (fitness 0.4-1.0);
  * 5% are integrators holding a contiguous stretch of 5-9 roles of the chain (fitness 0.2-0.8),
    including a planted set of six whose stretches tile the circle, so every instance is feasible;
  * every fifth role accepts up to 2 members; locality and track record are uniform 0..1.
Every organization that holds a role's capability is an eligible candidate for it (no upstream
top-50 cut from the matching engine, which would make the instance smaller).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from hamafza.consortia.optimizer import (  # noqa: E402
    Candidate,
    OrgInfo,
    Problem,
    Role,
    greedy,
    is_feasible,
    solve,
    solve_with_cut,
)

CHAIN = ["supply", "production", "packaging", "marketing", "sales", "installation", "maintenance"]


def generate(seed: int, n_orgs: int = 2000, n_roles: int = 40, max_members: int = 6) -> Problem:
    rng = random.Random(seed)
    roles = [
        Role(
            f"r{i:02d}", f"{CHAIN[i % len(CHAIN)]} {i // len(CHAIN) + 1}", (f"cap.{i:02d}",), 1, 2 if i % 5 == 4 else 1
        )
        for i in range(n_roles)
    ]
    cands: list[Candidate] = []
    orgs: list[OrgInfo] = []

    def add(org: str, role_ids, lo: float, hi: float) -> None:
        for i in role_ids:
            r = roles[i % n_roles]
            cands.append(Candidate(org, r.code, round(rng.uniform(lo, hi), 4), r.required_capabilities))
        orgs.append(OrgInfo(org, round(rng.random(), 3), round(rng.random(), 3)))

    n_integrators = max(n_orgs // 20, 6)
    # Planted integrators: six stretches that tile the circle (lengths sum to n_roles).
    lengths = [n_roles // 6 + (1 if i < n_roles % 6 else 0) for i in range(6)]
    start = rng.randrange(n_roles)
    for i, length in enumerate(lengths):
        add(f"int-planted-{i}", range(start, start + length), 0.2, 0.8)
        start += length
    for i in range(n_integrators - 6):
        s, length = rng.randrange(n_roles), rng.randint(5, 9)
        add(f"int-{i:04d}", range(s, s + length), 0.2, 0.8)
    for i in range(n_orgs - n_integrators):
        add(f"spec-{i:05d}", rng.sample(range(n_roles), rng.randint(1, 3)), 0.4, 1.0)
    return Problem(
        roles, cands, orgs, max_members=max_members, size_penalty=0.05, locality_weight=0.2, track_record_weight=0.2
    )


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=2000)
    ap.add_argument("--roles", type=int, default=40)
    ap.add_argument("--max-members", type=int, default=6)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--no-unpruned", action="store_true", help="skip the run without pruning")
    ap.add_argument("--cut", type=int, default=50, help="per-role cut measured against the exact optimum (0: skip)")
    args = ap.parse_args(argv)

    print(
        f"consortium benchmark: {args.orgs} organizations, {args.roles} roles, N = {args.max_members}, "
        f"k = {args.k}, {os.cpu_count()} CPUs, {args.seeds} seeds"
    )
    rows = []
    for seed in range(args.seeds):
        problem = generate(seed, args.orgs, args.roles, args.max_members)
        solve(generate(99, 50, 5, 3), k=1)  # warm-up: import highspy, first Highs() off the clock
        r1, t1 = timed(solve, problem, k=1, time_limit=args.time_limit)
        rk, tk = timed(solve, problem, k=args.k, time_limit=args.time_limit)
        if args.no_unpruned:
            tu = float("nan")
        else:
            ru, tu = timed(solve, problem, k=1, time_limit=args.time_limit, use_pruning=False)
            assert abs(ru.consortia[0].objective - r1.consortia[0].objective) < 1e-6, "pruning changed the optimum"
        if args.cut > 0:
            rc, tc = timed(solve_with_cut, problem, args.cut, k=1, time_limit=args.time_limit)
            info = rc.stats.get("candidate_cut", {"per_role": args.cut, "dropped": 0})
            cut_text = (
                f"cut top {args.cut}/role: "
                + (
                    f"{rc.consortia[0].objective:.4f} ({rc.consortia[0].status}, "
                    f"{100 * rc.consortia[0].objective / r1.consortia[0].objective:.1f}% of optimum)"
                    if rc.consortia
                    else "none"
                )
                + f", dropped {info.get('dropped')}, proved safe {info.get('proved_safe')}, "
                f"fallback {info.get('fallback', 'no')}, in {tc:.3f} s; "
            )
        else:
            cut_text = ""
        g, tg = timed(greedy, problem)
        best = r1.consortia[0]
        assert best.status == "optimal" and is_feasible(problem, best.roles)
        g_obj = g.objective if g else float("nan")
        rows.append((t1, tk, tu, tg, best.objective, g_obj, g is not None))
        print(
            f"seed {seed}: candidates {r1.stats['candidates']}, kept orgs {r1.stats['organizations_kept']}"
            f"/{r1.stats['organizations']}, pairs {r1.stats['pairs_kept']}; "
            f"optimum {best.objective:.4f} ({len(best.members)} members, gap {best.gap}) in {t1:.3f} s "
            f"[prune {r1.stats['prune_seconds']:.3f}, build {r1.stats['build_seconds']:.3f}, "
            f"HiGHS {r1.stats['solve_seconds'][0]:.3f}]; k={args.k}: {len(rk.consortia)} in {tk:.3f} s "
            f"(objectives {', '.join(f'{c.objective:.3f}' for c in rk.consortia)}); "
            f"unpruned k=1 {tu:.3f} s; {cut_text}greedy {f'{g_obj:.4f}' if g else 'no feasible consortium'} "
            f"in {tg:.3f} s" + (f" = {100 * g_obj / best.objective:.1f}% of optimum" if g else "")
        )
    t1s = [r[0] for r in rows]
    tks = [r[1] for r in rows]
    print(f"time to optimum (k=1): median {statistics.median(t1s):.3f} s, max {max(t1s):.3f} s")
    print(f"time to {args.k} best: median {statistics.median(tks):.3f} s, max {max(tks):.3f} s")
    if not args.no_unpruned:
        print(f"without pruning (k=1): median {statistics.median([r[2] for r in rows]):.3f} s")
    ok = [r for r in rows if r[6]]
    print(
        f"greedy: feasible on {len(ok)}/{len(rows)} seeds"
        + (
            f"; objective {statistics.mean(100 * r[5] / r[4] for r in ok):.1f}% of the optimum on average, "
            f"worst {min(100 * r[5] / r[4] for r in ok):.1f}%; median time {statistics.median(r[3] for r in ok):.3f} s"
            if ok
            else ""
        )
    )

    # Infeasible variant 1: nobody eligible for two roles.
    problem = generate(0, args.orgs, args.roles, args.max_members)
    gone = {problem.roles[3].code, problem.roles[17].code}
    problem.candidates = [c for c in problem.candidates if c.role not in gone]
    r, t = timed(solve, problem, k=args.k)
    print(f"infeasible (roles nobody can fill): {t:.3f} s, infeasible_roles={r.infeasible_roles}; {r.reason}")
    # Infeasible variant 2: every role fillable, but not together within N = 4.
    problem = generate(0, args.orgs, args.roles, 4)
    r, t = timed(solve, problem, k=args.k)
    print(f"infeasible (N = 4): {t:.3f} s, infeasible_roles={r.infeasible_roles}; {r.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
