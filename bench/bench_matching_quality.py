#!/usr/bin/env python3
"""Matching quality on the development sets, side by side: dev (tuned on) and dev2 (measured only).

    .venv/bin/python bench/bench_matching_quality.py [--data DIR ...] [--no-embeddings] [--ablation]

DIRs default to ../shared/data/matching-dev and ../shared/data/matching-dev2 (or
$HAMAFZA_MATCHING_DEV / $HAMAFZA_MATCHING_DEV2). Metrics come from the official scorer
(../shared/tools/score_matching.py): nDCG@10, Recall@10 of grade-2 organizations (all, same
language as the challenge, other language), ineligible organizations in the top 10 and matches
without an explanation. Runs: plain BM25, the engine with embeddings off, and with embeddings on
(--ablation adds each part of the bridge on its own).

Embeddings on: organization vectors are computed once and kept in var/bench-vectors.npz, keyed
by a hash of the embedded text (what the database's OrganizationVector does for the platform),
so later runs reuse them; the time of the pass is printed when it runs. The word bridge (ADR 0031)
is built from the organizations' words as the CLI's index build does; its word vectors are kept in
var/bench-word-vectors.npz the same way.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
VECTOR_CACHE = REPO / "var" / "bench-vectors.npz"
WORD_CACHE = REPO / "var" / "bench-word-vectors.npz"  # the word bridge's word vectors (ADR 0031)


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_matching", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def stored_vectors(docs, semantic) -> tuple[dict, float, int]:
    """Vectors by organization id from the cache, embedding the missing ones (seconds, count)."""
    cache = {}
    if VECTOR_CACHE.exists():
        with np.load(VECTOR_CACHE) as data:
            cache = {k: data[k] for k in data.files}
    keys = {d.id: semantic.passage_key(d.text) for d in docs}
    todo = [d for d in docs if keys[d.id] not in cache]
    secs = 0.0
    if todo:
        t = time.perf_counter()
        for d, v in zip(todo, semantic.embed_passages([d.text for d in todo]), strict=True):
            cache[keys[d.id]] = v
        secs = time.perf_counter() - t
        VECTOR_CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(VECTOR_CACHE, **cache)
    return {d.id: cache[keys[d.id]] for d in docs}, secs, len(todo)


def word_bridge(docs, semantic):
    """The word bridge of the organizations' texts (ADR 0031), word vectors kept in WORD_CACHE:
    (bridge, number of words embedded now)."""
    from hamafza.matching.engine.analysis import analyse
    from hamafza.matching.engine.bridge import WordBridge, vocabulary_of

    cache = {}
    if WORD_CACHE.exists():
        with np.load(WORD_CACHE) as data:
            cache = {k: data[k] for k in data.files}
    before = len(cache)
    bridge = WordBridge.build(vocabulary_of(analyse(d.text) for d in docs), semantic.embed_passages, cache)
    if len(cache) > before:
        WORD_CACHE.parent.mkdir(parents=True, exist_ok=True)
        np.savez(WORD_CACHE, **cache)
    return bridge, len(cache) - before


def score_row(sm, ranking, data, unexplained: int, secs: float) -> str:
    orgs_raw, chs_raw, qrels = data
    res = sm.score(ranking, qrels, chs_raw)["all"]
    bad, _cross, other, same = sm.audit_by_language(ranking, orgs_raw, qrels, chs_raw)
    ms = secs * 1000 / len(chs_raw)
    return f"{res[0]:.3f}  {res[1]:.3f}  {same:.2f}  {other:.2f}  {bad:3d}  {unexplained:3d}  {ms:6.1f}"


def engine_runs(ablation: bool, embeddings: bool):
    """(name, engine settings) of the runs."""
    runs = [("engine, embeddings off", {"emb": False})]
    if ablation:
        runs.insert(0, ("  embeddings off, no feedback", {"emb": False, "feedback": False}))
    if not embeddings:
        return runs
    if ablation:
        # the parts of ADR 0018 / 0026 / 0031 without this round's word feedback (they reproduce
        # those tables); then each option of ADR 0035 on top of the ADR 0031 engine
        runs += [
            (
                "  e5 cosine re-rank only (issue 5)",
                {
                    "emb": True,
                    "mode": "cosine",
                    "meaning": False,
                    "feedback": False,
                    "bridge": False,
                    "word_feedback": False,
                },
            ),
            (
                "  + capability profiles",
                {
                    "emb": True,
                    "mode": "profile",
                    "meaning": False,
                    "feedback": False,
                    "bridge": False,
                    "word_feedback": False,
                },
            ),
            (
                "  + capabilities from meaning (ADR 0018)",
                {
                    "emb": True,
                    "mode": "profile",
                    "meaning": True,
                    "feedback": False,
                    "bridge": False,
                    "word_feedback": False,
                },
            ),
            (
                "  + capability-space feedback (ADR 0026)",
                {"emb": True, "prf_vector": 0.0, "bridge": False, "word_feedback": False},
            ),
            (
                "  + feedback in the semantic space",
                {"emb": True, "prf_vector": 0.3, "bridge": False, "word_feedback": False},
            ),
            (
                "  language-neutral cosine, no profiles",
                {"emb": True, "mode": "neutral", "rank": 16, "bridge": False, "word_feedback": False},
            ),
            (
                "  profiles + language-neutral cosine",
                {"emb": True, "mode": "both", "rank": 16, "bridge": False, "word_feedback": False},
            ),
            ("  language-fair text signal", {"emb": True, "fair": True, "bridge": False, "word_feedback": False}),
            ("  word bridge, embeddings off otherwise", {"emb": False, "bridge": True}),
            ("  word bridge at weight 1.0", {"emb": True, "bridge_weight": 1.0, "word_feedback": False}),
            ("  without word feedback (ADR 0031)", {"emb": True, "word_feedback": False}),
            ("  + capabilities through the bridge", {"emb": True, "bridge_caps": True}),
            ("  reciprocal-rank fusion (k 60)", {"emb": True, "fusion": "rrf", "word_feedback": False}),
            (
                "  rank fusion of text and semantic only",
                {"emb": True, "fusion": "rrf", "rrf_capability": False, "word_feedback": False},
            ),
        ]
    # = the ADR 0026 engine + the word bridge (ADR 0031) + word feedback (ADR 0035)
    runs.append(("engine, embeddings on", {"emb": True}))
    return runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = [
        os.environ.get("HAMAFZA_MATCHING_DEV") or str(REPO.parent / "shared/data/matching-dev"),
        os.environ.get("HAMAFZA_MATCHING_DEV2") or str(REPO.parent / "shared/data/matching-dev2"),
    ]
    ap.add_argument("--data", nargs="+", default=default)
    ap.add_argument("--scorer", default=str(REPO.parent / "shared/tools/score_matching.py"))
    ap.add_argument("--no-embeddings", action="store_true", help="skip the embeddings-on runs")
    ap.add_argument("--ablation", action="store_true", help="also run each part of the bridge alone")
    a = ap.parse_args()
    sets = [Path(d) for d in a.data if (Path(d) / "qrels.jsonl").exists()]
    if not sets:
        print(f"no development set at {', '.join(a.data)}", file=sys.stderr)
        return 2
    sm = load_scorer(Path(a.scorer))
    from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc, scoring, semantic

    embeddings = not a.no_embeddings and semantic.available()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    rows: dict[str, dict[str, str]] = {}
    for data in sets:
        orgs_raw = sm.load_jsonl(data / "organizations.jsonl")
        chs_raw = sm.load_jsonl(data / "challenges.jsonl")
        qrels = sm.load_jsonl(data / "qrels.jsonl")
        judged = (orgs_raw, chs_raw, qrels)
        orgs = [OrgDoc.from_dict(o) for o in orgs_raw]
        chs = [ChallengeDoc.from_dict(c) for c in chs_raw]
        print(f"{data.name}: {len(orgs)} organizations, {len(chs)} challenges")
        vectors = None
        if embeddings:
            vectors, secs, n = stored_vectors(orgs, semantic)
            if n:
                print(
                    f"  embedded {n} organizations in {secs:.1f}s = {n / secs:.2f} passages/s (kept in {VECTOR_CACHE})"
                )
            t = time.perf_counter()
            for c in chs:
                semantic.embed_query(c.text)
            print(f"  query vectors: {len(chs)} in {time.perf_counter() - t:.1f}s (cached per query text)")

        t = time.perf_counter()
        bm25 = sm.bm25_baseline(orgs_raw, chs_raw)
        rows.setdefault("plain BM25", {})[data.name] = score_row(sm, bm25, judged, 0, time.perf_counter() - t)
        defaults = (scoring.SEM_MODE, scoring.LANGUAGE_RANK, scoring.LANGUAGE_FAIR, scoring.PRF_VECTOR)
        more = {k: getattr(scoring, k.upper()) for k in ("word_feedback", "bridge_caps", "fusion", "rrf_capability")}
        bridge_weight = scoring.BRIDGE_WEIGHT
        bridge = None
        if embeddings:
            t = time.perf_counter()
            bridge, n = word_bridge(orgs, semantic)
            print(
                f"  word bridge: {len(bridge) // 2} pairs in {time.perf_counter() - t:.1f}s "
                f"({n} words embedded, kept in {WORD_CACHE})"
            )
        for name, cfg in engine_runs(a.ablation, embeddings):
            scoring.SEM_MODE = cfg.get("mode", defaults[0])
            scoring.LANGUAGE_RANK = cfg.get("rank", defaults[1])
            scoring.LANGUAGE_FAIR = cfg.get("fair", defaults[2])
            scoring.PRF_VECTOR = cfg.get("prf_vector", defaults[3])
            scoring.BRIDGE_WEIGHT = cfg.get("bridge_weight", bridge_weight)
            for k, v in more.items():
                setattr(scoring, k.upper(), cfg.get(k, v))
            eng = Engine(use_embeddings=cfg["emb"], embed_missing=False)
            # the word bridge is built with the model at index build (the CLI does it itself)
            eng.word_bridge = bridge if cfg.get("bridge", cfg["emb"]) else None
            eng.meaning = cfg.get("meaning", True)
            eng.feedback = cfg.get("feedback", eng.feedback)
            eng.add_organizations(orgs, vectors=vectors if cfg["emb"] else None)
            t = time.perf_counter()
            ranking, unexplained = {}, 0
            for c in chs:
                ms = eng.match_challenge(c, top=10)
                ranking[c.id] = [m.organization for m in ms]
                unexplained += sum(1 for m in ms if not m.explanation)
            rows.setdefault(name, {})[data.name] = score_row(sm, ranking, judged, unexplained, time.perf_counter() - t)
        scoring.SEM_MODE, scoring.LANGUAGE_RANK, scoring.LANGUAGE_FAIR, scoring.PRF_VECTOR = defaults
        scoring.BRIDGE_WEIGHT = bridge_weight
        for k, v in more.items():
            setattr(scoring, k.upper(), v)
    head = "nDCG  R@10   same  other inel unexp ms/query"
    print()
    print(f"{'run':40s} " + "   ".join(f"{d.name + ': ' + head:56s}" for d in sets))
    for name, by_set in rows.items():
        print(f"{name:40s} " + "   ".join(f"{' ' * (len(d.name) + 2)}{by_set.get(d.name, '-'):54s}" for d in sets))
    print("(R@10 = Recall@10 of grade-2 organizations; same/other = written in the challenge's language or not;")
    print(" inel = ineligible organizations in the top 10; unexp = matches without an explanation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
