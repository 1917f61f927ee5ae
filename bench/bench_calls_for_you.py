#!/usr/bin/env python3
""" "Calls for you" at national scale: open calls ranked for one organization.

    .venv/bin/python bench/bench_calls_for_you.py [--calls 50000] [--orgs 2000] [--queries 300]

Synthetic calls and organizations from the taxonomy vocabulary (bench_matching_speed.synth).
Prints the time to analyse and index the calls once (a server does it when the set of open calls
changes) and the warm latency of one organization's top 10 (p50/p95), embeddings off.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

REPO = Path(os.environ.get("HAMAFZA_REPO") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(REPO))
import hamafza.matching.engine  # noqa: E402, F401  (from REPO, before the helper below adds its own path)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_matching_speed import pct, synth  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=50_000)
    ap.add_argument("--orgs", type=int, default=2_000)
    ap.add_argument("--queries", type=int, default=300)
    a = ap.parse_args()
    from hamafza.matching.engine import ChallengeSet, Engine

    print(f"engine: {Path(hamafza.matching.engine.__file__).parent}")
    orgs, chs = synth(a.orgs, seed=11, challenges=a.calls)
    eng = Engine(use_embeddings=False)
    eng.add_organizations(orgs)
    t = time.perf_counter()
    cs = ChallengeSet(eng, chs)
    build = time.perf_counter() - t
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other jobs inflate wall-clock times)"
    )
    print(f"calls for you: {len(chs):,} open calls analysed and indexed once in {build:.1f}s")
    gc.collect()
    gc.freeze()
    for o in orgs[:20]:
        eng.match_organization(o, cs, top=10)
    lat, cpu = [], []
    found = 0
    for o in orgs[20 : 20 + a.queries]:
        t, c0 = time.perf_counter(), time.process_time()
        found += bool(eng.match_organization(o, cs, top=10))
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    p95 = pct(lat, 95)
    # what a request pays when calls changed since the index was built (ADR 0026: applied in place;
    # a full build runs in a background thread, never on the request path)
    changed = chs[: min(10, len(chs))]
    t = time.perf_counter()
    cs.update(upserts=changed)
    upd = (time.perf_counter() - t) * 1000
    print(
        f"calls for you: {len(changed)} changed calls applied to the index in place in {upd:.0f} ms "
        f"({upd / max(1, len(changed)):.1f} ms per call) instead of a {build:.0f} s rebuild"
    )
    print(
        f"calls for you, warm top 10 over {len(chs):,} calls, {len(lat)} organizations: p50 {pct(lat, 50):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(lat):.1f} ms (CPU p50 {pct(cpu, 50):.1f} / p95 {pct(cpu, 95):.1f} ms); "
        f"{found}/{len(lat)} got calls  target p95 <= 20 ms: {'ok' if p95 <= 20 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
