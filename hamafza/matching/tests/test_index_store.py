"""The on-disk index's features (engine/store.py): memory-mapped, streamed, and giving exactly the
rankings of an in-RAM index through builds, changes, reopening and older indexes (no database)."""

import dataclasses
import json
import shutil

import numpy as np
import pytest

from hamafza.matching.engine import ChallengeDoc, Engine, OrgDoc
from hamafza.matching.engine.store import POINTER
from hamafza.matching.tests.conftest import dev_dir

pytestmark = pytest.mark.skipif(not (dev_dir() / "organizations.jsonl").exists(), reason="no development set")


@pytest.fixture(scope="module")
def dev():
    orgs = [OrgDoc.from_dict(json.loads(line)) for line in (dev_dir() / "organizations.jsonl").open(encoding="utf-8")]
    chs = [ChallengeDoc.from_dict(json.loads(line)) for line in (dev_dir() / "challenges.jsonl").open(encoding="utf-8")]
    return orgs[:80], chs[:12]


def rankings(engine, chs, orgs):
    out = [[m.to_dict() for m in engine.match_challenge(c)] for c in chs]
    out += [[m.to_dict() for m in engine.match_organization(o.id, chs)] for o in orgs[:5] if o.id in engine]
    out.append([m.to_dict() for m in engine.rank_for_capabilities(["water.leak_detection"], text="نشت آب")])
    return out


def changes(engine, orgs):
    changed = [dataclasses.replace(o, verified=not o.verified, capabilities=o.capabilities[:1]) for o in orgs[5:8]]
    engine.add_organizations(orgs[60:])
    engine.add_organizations(changed)
    for o in orgs[10:12]:
        assert engine.remove_organization(o.id)
    assert not engine.remove_organization("no-such-organization")


def test_on_disk_index_ranks_exactly_as_in_ram_through_changes_and_reopening(dev, tmp_path):
    orgs, chs = dev
    ram = Engine()
    ram.add_organizations(orgs[:60])
    disk = Engine(index_dir=tmp_path)
    disk.add_organizations(orgs[:60])
    assert disk._store.has_base and len(disk) == len(ram) == 60
    assert rankings(disk, chs, orgs) == rankings(ram, chs, orgs)

    changes(ram, orgs)
    changes(disk, orgs)
    assert len(disk) == len(ram) == 78
    expected = rankings(ram, chs, orgs)
    assert rankings(disk, chs, orgs) == expected
    # another process opening the index maps the base and replays the changes from the delta log
    reopened = Engine(index_dir=tmp_path)
    assert len(reopened) == 78 and orgs[10].id not in reopened and orgs[70].id in reopened
    assert reopened._orgs[orgs[5].id].verified == (not orgs[5].verified)
    assert rankings(reopened, chs, orgs) == expected


def test_the_base_is_memory_mapped_and_records_are_built_on_demand(dev, tmp_path):
    orgs, _ = dev
    Engine(index_dir=tmp_path).add_organizations(orgs)
    engine = Engine(index_dir=tmp_path)
    base = engine._store._base
    assert isinstance(base.cap_w.base, np.memmap) and isinstance(base.sorted_keys.base, np.memmap)
    assert engine._store._over == {} and engine._store._cache == {}  # nothing built by opening
    rec = engine._orgs[orgs[3].id]
    assert rec.id == orgs[3].id and engine._by_key[rec.key] == orgs[3].id
    assert engine._orgs.get("missing") is None and "missing" not in engine._orgs


def test_an_index_written_before_the_feature_store_is_converted_on_opening(dev, tmp_path):
    orgs, chs = dev
    built = Engine(index_dir=tmp_path)
    built.add_organizations(orgs)
    expected = rankings(built, chs, orgs)
    shutil.rmtree(tmp_path / "features")  # as an index of the previous format
    converted = Engine(index_dir=tmp_path)
    assert (tmp_path / "features" / POINTER).exists() and converted._store.has_base
    assert rankings(converted, chs, orgs) == expected


def test_a_taxonomy_change_rederives_the_features_into_a_new_base(dev, tmp_path):
    orgs, chs = dev
    Engine(index_dir=tmp_path).add_organizations(orgs[:30])
    old_base = json.loads((tmp_path / "features" / POINTER).read_text())["base"]
    meta = json.loads((tmp_path / "engine.json").read_text())
    (tmp_path / "engine.json").write_text(json.dumps({**meta, "taxonomy": "another"}))
    engine = Engine(index_dir=tmp_path)
    assert len(engine) == 30 and engine.backend.num_docs() == 30
    assert json.loads((tmp_path / "features" / POINTER).read_text())["base"] != old_base
    assert rankings(Engine(index_dir=tmp_path), chs, orgs) == rankings(engine, chs, orgs)


def test_the_same_organization_twice_in_one_build_keeps_the_last(dev, tmp_path):
    orgs, _ = dev
    later = dataclasses.replace(orgs[0], verified=not orgs[0].verified)
    engine = Engine(index_dir=tmp_path)
    engine.add_organizations([*orgs[:5], later])
    assert len(engine) == 5
    assert engine._orgs[orgs[0].id].verified == later.verified
    assert Engine(index_dir=tmp_path)._orgs[orgs[0].id].verified == later.verified
