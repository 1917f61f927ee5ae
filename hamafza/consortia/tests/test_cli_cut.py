"""Issue 16, "found by an outside check of the consortium optimiser": the per-role candidate cut,
eligibility in declared-capabilities mode, the infeasible-role message and the Django-free start.

Runs without a database (declared-capabilities fitness, no matching engine)."""

import io
import json
import subprocess
import sys
from pathlib import Path

from hamafza.consortia.cli import run

ROLES = 7  # roles r0..r6; at most 6 members, so one member must fill two roles
SPECIALISTS = 51  # per role: more than the default cut of 50, each with fitness 1.0


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def _mission(eligibility=None):
    return json.dumps(
        {
            "roles": [{"code": f"r{i}", "name": f"Role {i}", "capabilities": [f"c{i}", f"d{i}"]} for i in range(ROLES)],
            "eligibility": eligibility or {},
        }
    )


def _orgs(extra=()):
    """51 specialists per role holding both of its capabilities (fitness 1.0) and one integrator
    holding one capability of r0 and of r1 (fitness 0.5 in each). Top 50 per role by fitness drops
    the integrator from both roles; without it 7 roles need 7 members, with it 6 suffice."""
    lines = [
        {"id": f"s{i}-{j:02d}", "name": f"S{i}-{j}", "capabilities": [f"c{i}", f"d{i}"]}
        for i in range(ROLES)
        for j in range(SPECIALISTS)
    ]
    lines.append({"id": "zz-integrator", "name": "Integrator", "capabilities": ["c0", "c1"]})
    lines.extend(extra)
    return "\n".join(json.dumps(x) for x in lines)


def _run(tmp_path, roles, orgs, **kw):
    out, err = io.StringIO(), io.StringIO()
    kw.setdefault("fitness", "capabilities")
    roles_path, orgs_path = _write(tmp_path / "r.json", roles), _write(tmp_path / "o.jsonl", orgs)
    code = run(roles_path, orgs_path, 1, 6, stdout=out, stderr=err, **kw)
    return code, (json.loads(out.getvalue()) if out.getvalue() else None), err.getvalue()


def test_default_cut_does_not_lose_a_six_member_optimum(tmp_path):
    code, doc, err = _run(tmp_path, _mission(), _orgs())
    assert code == 0, err
    best = doc["consortia"][0]
    assert len(best["members"]) == 6
    assert "zz-integrator" in [m["organization"] for m in best["members"]]
    assert best["status"] == "optimal" and best["gap"] == 0.0


def test_an_explicit_cut_is_a_heuristic_and_falls_back_to_the_whole_instance(tmp_path):
    # The cut (top 50 per role) loses the only feasible consortia: the answer comes from the
    # whole instance, and says so.
    code, doc, err = _run(tmp_path, _mission(), _orgs(), candidates_per_role=50)
    assert code == 0, err
    best = doc["consortia"][0]
    assert "zz-integrator" in [m["organization"] for m in best["members"]]
    assert doc["stats"]["candidate_cut"] == {"per_role": 50, "dropped": 2, "fallback": "whole instance"}
    assert best["status"] == "optimal" and best["gap"] == 0.0


def test_a_cut_that_removes_candidates_is_never_labelled_optimal(tmp_path):
    # 6 roles only: the cut instance is feasible, but it is not the whole instance.
    roles = json.dumps({"roles": [{"code": f"r{i}", "capabilities": [f"c{i}", f"d{i}"]} for i in range(ROLES - 1)]})
    code, doc, err = _run(tmp_path, roles, _orgs(), candidates_per_role=3)
    assert code == 0, err
    for c in doc["consortia"]:
        assert c["status"] == "heuristic" and c["gap"] is None
    assert doc["stats"]["candidate_cut"]["per_role"] == 3
    assert "heuristic" in doc["stats"]["candidate_cut"]["note"]


def test_ties_at_the_cut_are_kept_not_cut_by_id(tmp_path):
    # Every specialist of a role has fitness 1.0: a cut of 3 keeps all 51 tied ones, so the
    # result does not depend on how the ids sort.
    roles = json.dumps({"roles": [{"code": "r0", "capabilities": ["c0", "d0"]}]})
    code, doc, err = _run(tmp_path, roles, _orgs(), candidates_per_role=3)
    assert code == 0, err
    assert doc["stats"]["candidates"] == SPECIALISTS


def test_kinds_are_applied_with_declared_capabilities(tmp_path):
    extra = [{"id": "uni", "name": "Uni", "kind": "university", "capabilities": ["c0", "d0"]}]
    roles = json.dumps(
        {"roles": [{"code": "r0", "capabilities": ["c0", "d0"]}], "eligibility": {"kinds": ["university"]}}
    )
    code, doc, err = _run(tmp_path, roles, _orgs(extra))
    assert code == 0, err
    assert doc["stats"]["candidates"] == 1
    assert [m["organization"] for m in doc["consortia"][0]["members"]] == ["uni"]


def test_bad_kinds_are_an_input_error(tmp_path):
    roles = json.dumps({"roles": [{"code": "r0", "capabilities": ["c0"]}], "eligibility": {"kinds": "university"}})
    code, doc, err = _run(tmp_path, roles, _orgs())
    assert code == 2 and "eligibility.kinds" in err


def test_infeasible_role_says_how_many_hold_the_capability_and_why_they_are_excluded(tmp_path):
    extra = [
        {"id": f"x{i}", "name": f"X{i}", "province": "Qom", "kind": "sme", "capabilities": ["e0"]} for i in range(6)
    ] + [
        {"id": f"y{i}", "name": f"Y{i}", "province": "Tehran", "kind": "startup", "capabilities": ["e0"]}
        for i in range(3)
    ]
    roles = json.dumps(
        {
            "roles": [{"code": "e", "name": "Energy", "capabilities": ["e0"]}],
            "eligibility": {"provinces": ["Tehran"], "kinds": ["sme"]},
        }
    )
    code, doc, err = _run(tmp_path, roles, _orgs(extra))
    assert code == 1
    assert doc["infeasible_roles"] == ["e"]
    reason = doc["reason"]
    assert "0 found" not in reason
    assert "9 organization(s) hold its capabilities but are not eligible" in reason
    assert "6 outside the provinces" in reason and "3 not of the kinds" in reason


def test_hamafza_consortia_reads_files_without_starting_django(tmp_path):
    roles = _write(tmp_path / "r.json", json.dumps({"roles": [{"code": "r0", "capabilities": ["c0"]}]}))
    orgs = _write(tmp_path / "o.jsonl", json.dumps({"id": "a", "name": "A", "capabilities": ["c0"]}))
    probe = (
        "import sys\n"
        "from hamafza import cli\n"
        "sys.argv = ['hamafza', 'consortia', *sys.argv[1:]]\n"
        "try:\n    cli.main()\nexcept SystemExit as e:\n    code = e.code\n"
        "started = 'django.apps' in sys.modules and sys.modules['django.apps'].apps.ready\n"
        "print('DJANGO' if started else 'NODJANGO', code, file=sys.stderr)\n"
    )
    args = ["--roles", roles, "--organizations", orgs, "--fitness", "capabilities"]
    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", probe, *args], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert proc.stderr.strip().splitlines()[-1] == "NODJANGO 0", proc.stderr
    assert json.loads(proc.stdout)["feasible"] is True
