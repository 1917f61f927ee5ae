#!/usr/bin/env python3
"""Matching quality on the development set: the engine (embeddings off and on) against plain BM25.

    .venv/bin/python bench/bench_matching_quality.py [--data DIR] [--no-embeddings]

DIR defaults to $HAMAFZA_MATCHING_DEV or ../shared/data/matching-dev (relative to the repo root).
Metrics use the official scorer (../shared/tools/score_matching.py) when it is present: nDCG@10,
Recall@10 (grade 2), MRR overall and for Persian/English challenges, the cross-language hit rate
and the number of ineligible organizations in the top 10.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_matching", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data", default=os.environ.get("HAMAFZA_MATCHING_DEV") or str(REPO.parent / "shared/data/matching-dev")
    )
    ap.add_argument("--scorer", default=str(REPO.parent / "shared/tools/score_matching.py"))
    ap.add_argument("--no-embeddings", action="store_true", help="skip the (slow) embeddings-on run")
    a = ap.parse_args()
    data = Path(a.data)
    if not (data / "qrels.jsonl").exists():
        print(f"no development set at {data}", file=sys.stderr)
        return 2
    sm = load_scorer(Path(a.scorer))
    from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc

    orgs_raw = sm.load_jsonl(data / "organizations.jsonl")
    chs_raw = sm.load_jsonl(data / "challenges.jsonl")
    qrels = sm.load_jsonl(data / "qrels.jsonl")
    orgs = [OrgDoc.from_dict(o) for o in orgs_raw]
    chs = [ChallengeDoc.from_dict(c) for c in chs_raw]

    runs = {}
    t = time.perf_counter()
    runs["bm25"] = (sm.bm25_baseline(orgs_raw, chs_raw), time.perf_counter() - t, None)
    modes = [False] if a.no_embeddings else [False, True]
    for emb in modes:
        t = time.perf_counter()
        eng = Engine(use_embeddings=emb)
        eng.add_organizations(orgs)
        t_index = time.perf_counter() - t
        t = time.perf_counter()
        ranking = {c.id: [m.organization for m in eng.match_challenge(c, top=10)] for c in chs}
        name = "engine+emb" if eng.use_embeddings else "engine"
        runs[name] = (ranking, time.perf_counter() - t, t_index)

    print(f"development set: {data} ({len(orgs)} organizations, {len(chs)} challenges)")
    print(f"{'run':11s} {'lang':4s} {'nDCG@10':>8s} {'R@10':>6s} {'MRR':>6s}   cross-lang  inelig@10  time")
    base = None
    for name, (ranking, secs, t_index) in runs.items():
        res = sm.score(ranking, qrels, chs_raw)
        bad, cross = sm.audit(ranking, orgs_raw, qrels, chs_raw)
        timing = f"query {secs:.2f}s" + (f", index {t_index:.2f}s" if t_index is not None else "")
        for lang in ("all", "fa", "en"):
            n, r, m, _ = res[lang]
            extra = f"   {cross:9.2f}  {bad:9d}  {timing}" if lang == "all" else ""
            print(f"{name:11s} {lang:4s} {n:8.3f} {r:6.3f} {m:6.3f}{extra}")
        if name == "bm25":
            base = res["all"][0]
        else:
            print(f"{'':11s} nDCG@10 margin over BM25: {res['all'][0] - base:+.3f}")
    if "engine+emb" in runs:
        off = sm.score(runs["engine"][0], qrels, chs_raw)["all"][0]
        on = sm.score(runs["engine+emb"][0], qrels, chs_raw)["all"][0]
        print(f"embedding re-ranker adds {on - off:+.3f} nDCG@10")
    return 0


if __name__ == "__main__":
    sys.exit(main())
