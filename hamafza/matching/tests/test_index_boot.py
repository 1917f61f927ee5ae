"""A server worker opens the index as it starts (gunicorn's post_worker_init hook), never builds
one, and its first search then needs no opening (ADR 0020)."""

import pytest

from hamafza.matching import services

pytestmark = pytest.mark.django_db


def test_boot_opens_an_existing_index_and_never_builds_one(index_dir, orgs):
    holder = services.index_holder()
    assert services.index_open_at_boot() is False  # no index of this database yet: nothing built
    assert not holder.is_open and holder.rebuilds == 0 and not index_dir.joinpath("CURRENT").exists()

    services.index_rebuild()
    holder.close()  # a new worker: the index is on disk, this process has not opened it
    assert services.index_open_at_boot() is True
    assert holder.is_open and holder.rebuilds == 1
    engine = holder._opened.engine
    assert engine._store.has_base and len(engine) == len(orgs)
    assert services.get_engine() is engine  # the first search uses the engine opened at boot


def test_boot_carries_on_when_the_index_cannot_be_read(index_dir, orgs, monkeypatch):
    services.index_rebuild()
    services.index_holder().close()

    def broken(self):
        raise OSError("disk unreadable")

    monkeypatch.setattr(services.IndexHolder, "engine_if_available", broken)
    assert services.index_open_at_boot() is False
