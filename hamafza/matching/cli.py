"""``hamafza match`` / ``manage.py match``: rank organizations for every challenge of two JSONL files.

Reads the matching-dev format (``organizations.jsonl``, ``challenges.jsonl``), builds a temporary
index with the same engine the platform uses, and writes one JSON line per challenge::

    {"challenge": ID, "matches": [{"organization": ID, "score": FLOAT, "explanation": {...}}]}

Malformed lines (bad JSON, missing fields, wrong types, duplicate ids) are reported on stderr with
their line numbers and skipped. The exit code is non-zero only when nothing usable remains (no
valid organization or no valid challenge) or a file cannot be read or written.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from typing import TextIO

from .engine import ChallengeDoc, Engine, OrgDoc, semantic


def _read_jsonl(path: str, parse: Callable, label: str, err: TextIO) -> list:
    out = []
    seen: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                print(f"{path}:{lineno}: skipped {label}: bad JSON ({exc.msg})", file=err)
                continue
            try:
                doc = parse(data)
            except KeyError as exc:
                print(f"{path}:{lineno}: skipped {label}: missing field {exc.args[0]!r}", file=err)
                continue
            except (TypeError, ValueError, AttributeError) as exc:
                print(f"{path}:{lineno}: skipped {label}: {exc}", file=err)
                continue
            if doc.id in seen:
                print(f"{path}:{lineno}: skipped {label}: duplicate id {doc.id!r}", file=err)
                continue
            seen.add(doc.id)
            out.append(doc)
    return out


def _default_embeddings() -> bool:
    value = os.environ.get("HAMAFZA_MATCHING_EMBEDDINGS")
    if value is not None:
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return semantic.available()


def run(
    organizations_path: str,
    challenges_path: str,
    top: int = 10,
    output_path: str | None = None,
    use_embeddings: bool | None = None,
    stderr: TextIO | None = None,
) -> int:
    err = stderr or sys.stderr
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        tqdm = None
    if use_embeddings is None:
        use_embeddings = _default_embeddings()
    try:
        orgs = _read_jsonl(organizations_path, OrgDoc.from_dict, "organization", err)
        chs = _read_jsonl(challenges_path, ChallengeDoc.from_dict, "challenge", err)
    except OSError as exc:
        print(f"match: cannot read input: {exc}", file=err)
        return 2
    if not orgs or not chs:
        print(f"match: nothing usable ({len(orgs)} organizations, {len(chs)} challenges)", file=err)
        return 1
    if top <= 0:
        print("match: --top must be positive", file=err)
        return 2
    with tempfile.TemporaryDirectory(prefix="hamafza-match-") as tmp:
        engine = Engine(index_dir=tmp, use_embeddings=use_embeddings)
        bar = tqdm(total=len(orgs), desc="indexing", unit="org", file=err, disable=tqdm is None) if tqdm else None
        engine.add_organizations(orgs, progress=bar.update if bar else None)
        if bar:
            bar.close()
        try:
            out = open(output_path, "w", encoding="utf-8") if output_path and output_path != "-" else sys.stdout  # noqa: SIM115
        except OSError as exc:
            print(f"match: cannot write {output_path}: {exc}", file=err)
            return 2
        try:
            it = tqdm(chs, desc="matching", unit="challenge", file=err) if tqdm else chs
            for ch in it:
                matches = engine.match_challenge(ch, top=top)
                row = {"challenge": ch.id, "matches": [m.to_dict() for m in matches]}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
    print(
        f"match: {len(chs)} challenges ranked over {len(orgs)} organizations "
        f"(embeddings {'on' if engine.use_embeddings else 'off'})",
        file=err,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="match", description=__doc__.splitlines()[0])
    ap.add_argument("--organizations", required=True)
    ap.add_argument("--challenges", required=True)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--output", default="-")
    ap.add_argument("--no-embeddings", action="store_true")
    a = ap.parse_args(argv)
    return run(a.organizations, a.challenges, a.top, a.output, False if a.no_embeddings else None)


if __name__ == "__main__":
    sys.exit(main())
