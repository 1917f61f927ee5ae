"""``manage.py consortia`` / ``python -m hamafza.consortia.cli``: propose consortia from two files.

    consortia --roles ROLES.json --organizations ORGS.jsonl [--top 5] [--max-members 6]

``hamafza consortia ...`` runs this module without starting Django (files in, JSON out).

ROLES.json lists the roles of a mission (format in docs/consortia.md); ORGS.jsonl is the
matching-dev organization format, optionally with a ``capabilities`` list and a ``track_record``
count. Role fitness comes from the matching engine (:func:`fitness_from_engine`); the optimiser
itself (``optimizer.py``) never sees the engine. Prints the consortia as JSON.

Exit codes: 0 consortia found; 1 no consortium exists (the JSON says which roles and why);
2 malformed input or unreadable files (every problem is listed on stderr with its line number,
never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from hamafza.core.text import fold
from hamafza.matching.engine import Eligibility, Engine, OrgDoc, load_taxonomy

from .optimizer import Candidate, OrgInfo, Problem, ProblemError, Role, cut_per_role, solve, solve_with_cut

TRACK_RECORD_FULL = 5  # past pilots + agreements that count as a full track record (1.0)


class InputError(Exception):
    """Malformed input; ``messages`` are complete sentences with file and line."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class RoleSpec:
    role: Role
    text: str = ""


@dataclass
class Mission:
    roles: list[RoleSpec]
    eligibility: dict[str, Any] = field(default_factory=dict)
    city: str = ""
    province: str = ""


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def load_mission(path: str) -> Mission:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError([f"{path}:{exc.lineno}:{exc.colno}: bad JSON ({exc.msg})"]) from None
    errors: list[str] = []
    if not isinstance(data, dict):
        raise InputError([f"{path}: expected a JSON object with a 'roles' list"])
    roles_raw = data.get("roles")
    if not isinstance(roles_raw, list) or not roles_raw:
        raise InputError([f"{path}: 'roles' must be a non-empty list"])
    lines = raw.splitlines()

    def where(i: int, code: Any) -> str:
        # JSON parsers give no positions for values; find the role's code in the text instead.
        if isinstance(code, str):
            needle = json.dumps(code, ensure_ascii=False)
            for n, line in enumerate(lines, 1):
                if '"code"' in line and needle in line:
                    return f"{path}:{n}: roles[{i}]"
        return f"{path}: roles[{i}]"

    specs: list[RoleSpec] = []
    seen: set[str] = set()
    for i, r in enumerate(roles_raw):
        if not isinstance(r, dict):
            errors.append(f"{path}: roles[{i}]: must be an object")
            continue
        code = r.get("code")
        at = where(i, code)
        if not isinstance(code, str) or not code.strip():
            errors.append(f"{at}: 'code' must be a non-empty string")
            continue
        if code in seen:
            errors.append(f"{at}: duplicate role code {code!r}")
            continue
        seen.add(code)
        name = r.get("name", code)
        caps = r.get("capabilities")
        text = r.get("text", "") or ""
        lo, hi = r.get("min", 1), r.get("max", r.get("min", 1) if _is_int(r.get("min", 1)) else 1)
        bad = []
        if not isinstance(name, str):
            bad.append("'name' must be a string")
        if not isinstance(caps, list) or not caps or not all(isinstance(c, str) and c for c in caps):
            bad.append("'capabilities' must be a non-empty list of capability codes")
        if not isinstance(text, str):
            bad.append("'text' must be a string")
        if not _is_int(lo) or lo < 0:
            bad.append("'min' must be an integer >= 0")
        if not _is_int(hi) or hi < 1:
            bad.append("'max' must be an integer >= 1")
        if not bad and lo > hi:
            bad.append(f"'min' ({lo}) is greater than 'max' ({hi})")
        if bad:
            errors.extend(f"{at} ({code}): {b}" for b in bad)
            continue
        specs.append(RoleSpec(Role(code, name, tuple(caps), lo, hi), text))
    elig = data.get("eligibility") or {}
    if not isinstance(elig, dict):
        errors.append(f"{path}: 'eligibility' must be an object")
        elig = {}
    else:
        provinces = elig.get("provinces", [])
        if not isinstance(provinces, list) or not all(isinstance(p, str) for p in provinces):
            errors.append(f"{path}: eligibility.provinces must be a list of strings")
        if not isinstance(elig.get("knowledge_based_only", False), bool):
            errors.append(f"{path}: eligibility.knowledge_based_only must be true or false")
        kinds = elig.get("kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            errors.append(f"{path}: eligibility.kinds must be a list of strings")
        if not errors:
            try:
                Eligibility.from_dict(elig)
            except (TypeError, ValueError) as exc:
                errors.append(f"{path}: eligibility: {exc}")
    for key in ("city", "province"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            errors.append(f"{path}: '{key}' must be a string")
    if errors:
        raise InputError(errors)
    return Mission(specs, dict(elig), data.get("city") or "", data.get("province") or "")


def load_organizations(path: str) -> list[dict[str, Any]]:
    """Organization records; every malformed line is reported (InputError), none is skipped."""
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed by the `with fh` below
    except OSError as exc:
        raise InputError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    errors: list[str] = []
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    with fh:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    errors.append(f"{path}:{lineno}: bad JSON ({exc.msg}, column {exc.colno})")
                    continue
                problem = _org_problem(rec)
                if problem:
                    errors.append(f"{path}:{lineno}: {problem}")
                    continue
                oid = str(rec["id"])
                if oid in seen:
                    errors.append(f"{path}:{lineno}: duplicate id {oid!r} (first on line {seen[oid]})")
                    continue
                seen[oid] = lineno
                out.append(rec)
        except UnicodeDecodeError as exc:
            errors.append(f"{path}: not UTF-8 text ({exc.reason})")
    if errors:
        raise InputError(errors)
    if not out:
        raise InputError([f"{path}: no organizations"])
    return out


def _org_problem(rec: Any) -> str:
    if not isinstance(rec, dict):
        return "expected a JSON object"
    oid = rec.get("id")
    if not (isinstance(oid, str) and oid) and not _is_int(oid):
        return "'id' must be a non-empty string"
    for key in ("name", "kind", "city", "province", "description"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            return f"'{key}' must be a string"
    if not rec.get("name") and not rec.get("description"):
        return "organization has neither a name nor a description"
    if not isinstance(rec.get("knowledge_based", False), bool):
        return "'knowledge_based' must be true or false"
    caps = rec.get("capabilities", [])
    if not isinstance(caps, list) or not all(isinstance(c, str) for c in caps):
        return "'capabilities' must be a list of capability codes"
    tr = rec.get("track_record", 0)
    if tr is not None and (not _is_int(tr) or tr < 0):
        return "'track_record' must be a whole number >= 0 (past pilots and agreements)"
    return ""


# ----------------------------------------------------------------------------------------------
# Fitness sources (the only code that knows where fitness comes from)
# ----------------------------------------------------------------------------------------------


def _docs(orgs: Sequence[Mapping[str, Any]]) -> list[OrgDoc]:
    docs = []
    for rec in orgs:
        try:
            docs.append(OrgDoc.from_dict(rec))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError([f"organization {rec.get('id')!r}: {exc}"]) from None
    return docs


def fitness_from_engine(
    mission: Mission, orgs: Sequence[Mapping[str, Any]], candidates_per_role: int = 0
) -> list[Candidate]:
    """Candidates per role from ``hamafza.matching.engine``: eligibility applied by the engine,
    fitness = the engine's score in 0..1 for the role's capabilities (and text). The mission's
    city/province are *not* passed, so locality is counted once, by the optimiser.
    ``candidates_per_role`` < 1: every organization the engine scores above 0 (the whole instance)."""
    engine = Engine(taxonomy=load_taxonomy(), use_embeddings=False)
    unknown = [
        f"role {s.role.code!r}: unknown capability code {c!r}"
        for s in mission.roles
        for c in s.role.required_capabilities
        if c not in engine.taxonomy
    ]
    if unknown:
        raise InputError(unknown)
    engine.add_organizations(_docs(orgs))
    eligibility = Eligibility.from_dict(mission.eligibility)
    out: list[Candidate] = []
    for spec in mission.roles:
        role = spec.role
        matches = engine.rank_for_capabilities(
            list(role.required_capabilities),
            text=spec.text,
            eligibility=eligibility,
            top=candidates_per_role if candidates_per_role > 0 else len(orgs),
        )
        for m in matches:
            # The engine's explanation lists the capabilities that produced the score (the role's
            # own codes first, then related ones it credits partially).
            matched = [
                c["code"]
                for c in (m.explanation or {}).get("capabilities", [])
                if isinstance(c, dict) and isinstance(c.get("code"), str) and (c.get("contribution") or 0) > 0
            ]
            matched.sort(key=lambda code: code not in role.required_capabilities)
            out.append(Candidate(m.organization, role.code, min(max(float(m.score), 0.0), 1.0), tuple(matched)))
    return out


def _exclusion(doc: OrgDoc, elig: Eligibility, provinces: frozenset[str]) -> str:
    """Why ``doc`` is not eligible ("" when it is): the same rule as the engine's
    ``EligibilityRules._eligible`` (provinces, kinds, knowledge-based with a certificate valid on
    the closing date, or today)."""
    if provinces and fold(doc.province) not in provinces:
        return "province"
    if elig.kinds and doc.kind not in elig.kinds:
        return "kind"
    if elig.knowledge_based_only:
        if not doc.knowledge_based:
            return "knowledge_based"
        on = elig.closing_date or dt.date.today()
        if doc.certificate_valid_until is not None and doc.certificate_valid_until < on:
            return "certificate"
    return ""


EXCLUSION_WORDS = {
    "province": "outside the provinces",
    "kind": "not of the kinds",
    "knowledge_based": "not knowledge-based",
    "certificate": "with a knowledge-based certificate expired before the closing date",
}


def _exclusions(mission: Mission, docs: Sequence[OrgDoc]) -> dict[str, str]:
    elig = Eligibility.from_dict(mission.eligibility)
    provinces = frozenset(fold(p) for p in elig.provinces)
    return {d.id: _exclusion(d, elig, provinces) for d in docs}


def ineligible_notes(mission: Mission, orgs: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Per role: how many organizations declare at least one of its capabilities but are not
    eligible, and why (for the message when a role cannot be filled)."""
    docs = _docs(orgs)
    why = _exclusions(mission, docs)
    notes: dict[str, str] = {}
    for spec in mission.roles:
        wanted = set(spec.role.required_capabilities)
        counts: dict[str, int] = {}
        for d in docs:
            if why[d.id] and wanted.intersection(d.capabilities):
                counts[why[d.id]] = counts.get(why[d.id], 0) + 1
        if counts:
            parts = ", ".join(f"{n} {EXCLUSION_WORDS[k]}" for k, n in counts.items())
            notes[spec.role.code] = (
                f"{sum(counts.values())} organization(s) hold its capabilities but are not eligible ({parts})"
            )
    return notes


def fitness_from_capabilities(
    mission: Mission, orgs: Sequence[Mapping[str, Any]], candidates_per_role: int = 0
) -> list[Candidate]:
    """Declared capabilities only (no engine): fitness = share of the role's capabilities the
    organization declares. Eligibility (provinces, kinds, knowledge_based_only with the
    certificate date) is applied here. ``candidates_per_role`` >= 1 keeps the best that many per
    role and every candidate tied with the last (:func:`optimizer.cut_per_role`); < 1 keeps all."""
    docs = _docs(orgs)
    why = _exclusions(mission, docs)
    out: list[Candidate] = []
    for spec in mission.roles:
        role = spec.role
        for d in docs:
            if why[d.id]:
                continue
            held = set(d.capabilities)
            matched = [c for c in role.required_capabilities if c in held]
            if matched:
                out.append(Candidate(d.id, role.code, len(matched) / len(role.required_capabilities), tuple(matched)))
    return cut_per_role(out, candidates_per_role)[0]


FITNESS_SOURCES = {"engine": fitness_from_engine, "capabilities": fitness_from_capabilities}


def org_infos(mission: Mission, orgs: Sequence[Mapping[str, Any]]) -> list[OrgInfo]:
    """Locality 1.0 in the mission's city, 0.5 in its province, else 0; track record = past pilots
    and agreements, TRACK_RECORD_FULL or more counting as 1.0."""
    city, province = mission.city.casefold(), mission.province.casefold()
    out = []
    for rec in orgs:
        if city and (rec.get("city") or "").casefold() == city:
            loc = 1.0
        elif province and (rec.get("province") or "").casefold() == province:
            loc = 0.5
        else:
            loc = 0.0
        track = min((rec.get("track_record") or 0) / TRACK_RECORD_FULL, 1.0)
        out.append(OrgInfo(str(rec["id"]), loc, track, rec.get("name") or ""))
    return out


# ----------------------------------------------------------------------------------------------
# Command
# ----------------------------------------------------------------------------------------------


def _say(stream: TextIO, msg: str) -> None:
    # One write per line: Django's OutputWrapper adds its own line ending to each write.
    stream.write(msg + "\n")


def run(
    roles_path: str,
    organizations_path: str,
    top: int = 5,
    max_members: int = 6,
    output: str | None = None,
    *,
    fitness: str = "engine",
    candidates_per_role: int = 0,
    time_limit: float = 30.0,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Read, optimise, print JSON. Returns the exit code (0 found, 1 none exists, 2 bad input)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        if top < 1:
            raise InputError([f"--top must be at least 1, got {top}"])
        if max_members < 1:
            raise InputError([f"--max-members must be at least 1, got {max_members}"])
        if candidates_per_role < 0:
            raise InputError([f"--candidates-per-role must be 0 (all) or more, got {candidates_per_role}"])
        if fitness not in FITNESS_SOURCES:
            raise InputError([f"unknown fitness source {fitness!r}; use one of {sorted(FITNESS_SOURCES)}"])
        mission = load_mission(roles_path)
        orgs = load_organizations(organizations_path)
        # The whole instance: every eligible candidate of every role. A cut (--candidates-per-role)
        # is applied by the optimiser, which proves it safe or labels the answer a heuristic and
        # falls back to the whole instance when the cut leaves no consortium.
        candidates = FITNESS_SOURCES[fitness](mission, orgs, 0)
        problem = Problem(
            [s.role for s in mission.roles],
            candidates,
            org_infos(mission, orgs),
            max_members=max_members,
            ineligible=ineligible_notes(mission, orgs),
        )
        if candidates_per_role > 0:
            result = solve_with_cut(problem, candidates_per_role, k=top, time_limit=time_limit)
        else:
            result = solve(problem, k=top, time_limit=time_limit)
    except InputError as exc:
        for msg in exc.messages:
            _say(stderr, f"error: {msg}")
        return 2
    except ProblemError as exc:
        _say(stderr, f"error: {exc}")
        return 2
    except ImportError as exc:
        _say(
            stderr,
            f"error: the matching engine is not available ({exc}); "
            f"use --fitness capabilities with declared capabilities",
        )
        return 2
    doc = {
        "roles": [
            {
                "code": s.role.code,
                "name": s.role.name,
                "capabilities": list(s.role.required_capabilities),
                "min": s.role.min_members,
                "max": s.role.max_members,
            }
            for s in mission.roles
        ],
        "max_members": max_members,
        "fitness_source": fitness,
        **result.to_dict(),
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            _say(stderr, f"error: {output}: cannot write: {exc.strerror or exc}")
            return 2
        _say(stderr, f"{len(result.consortia)} consortia written to {output}")
    else:
        _say(stdout, text)
    if not result.feasible:
        _say(stderr, f"no consortium: {result.reason}")
        return 1
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--roles", required=True, help="ROLES.json (see docs/consortia.md)")
    parser.add_argument("--organizations", required=True, help="ORGS.jsonl (matching-dev format)")
    parser.add_argument("--top", type=int, default=5, help="how many different consortia (default 5)")
    parser.add_argument("--max-members", type=int, default=6, help="members per consortium at most (default 6)")
    parser.add_argument("--output", default=None, help="write the JSON here instead of stdout")
    parser.add_argument(
        "--fitness",
        choices=sorted(FITNESS_SOURCES),
        default="engine",
        help="role fitness from the matching engine (default) or declared capabilities",
    )
    parser.add_argument(
        "--candidates-per-role",
        type=int,
        default=0,
        help="consider only the best N eligible organizations per role (and ties); a heuristic unless proved "
        "safe, with a fall-back to all when it leaves no consortium (default 0: all, exact)",
    )
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for all solves (default 30)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="consortia", description="Propose consortia for a mission.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(
            args.roles,
            args.organizations,
            args.top,
            args.max_members,
            args.output,
            fitness=args.fitness,
            candidates_per_role=args.candidates_per_role,
            time_limit=args.time_limit,
        )
    except BrokenPipeError:  # e.g. piped into `head`
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
