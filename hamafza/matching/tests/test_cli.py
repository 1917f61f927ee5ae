"""The ``match`` command line on good and malformed input."""

import io
import json

from hamafza.matching import cli

ORG = {
    "id": "o1",
    "name": "AquaTrace",
    "kind": "startup",
    "city": "Shiraz",
    "province": "Fars",
    "description": "Acoustic leak detection for water utilities",
    "knowledge_based": False,
    "employees": 5,
    "founded": 2020,
}
CH = {
    "id": "c1",
    "city": "Shiraz",
    "province": "Fars",
    "title": "Pipe bursts",
    "description": "Water losses and pipe bursts in the distribution network",
    "eligibility": {},
}


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_malformed_lines_reported_with_line_numbers(tmp_path):
    orgs = write(
        tmp_path / "o.jsonl",
        [
            json.dumps(ORG),
            "{not json",
            json.dumps({**ORG, "id": "o2", "knowledge_based": "yes"}),
            json.dumps({k: v for k, v in ORG.items() if k != "id"}),
            json.dumps({**ORG, "id": "o1"}),
            "[1, 2]",
        ],
    )
    chs = write(
        tmp_path / "c.jsonl", [json.dumps(CH), json.dumps({**CH, "id": "c2", "eligibility": {"provinces": "Fars"}})]
    )
    out = tmp_path / "out.jsonl"
    err = io.StringIO()
    code = cli.run(orgs, chs, 10, str(out), use_embeddings=False, stderr=err)
    msg = err.getvalue()
    assert code == 0
    for n in (2, 3, 4, 5, 6):
        assert f"o.jsonl:{n}:" in msg
    assert "c.jsonl:2:" in msg and "Traceback" not in msg
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["challenge"] for r in rows] == ["c1"]
    assert rows[0]["matches"][0]["organization"] == "o1" and rows[0]["matches"][0]["explanation"]


def test_nothing_usable_is_an_error(tmp_path):
    orgs = write(tmp_path / "o.jsonl", ["garbage", "{}"])
    chs = write(tmp_path / "c.jsonl", [json.dumps(CH)])
    err = io.StringIO()
    assert cli.run(orgs, chs, 10, str(tmp_path / "out.jsonl"), use_embeddings=False, stderr=err) != 0
    assert "o.jsonl:1:" in err.getvalue() and "o.jsonl:2:" in err.getvalue()


def test_missing_file_is_an_error_not_a_traceback(tmp_path):
    err = io.StringIO()
    assert cli.run(str(tmp_path / "nope.jsonl"), str(tmp_path / "nope2.jsonl"), 10, None, False, stderr=err) != 0
    assert "cannot read" in err.getvalue()
