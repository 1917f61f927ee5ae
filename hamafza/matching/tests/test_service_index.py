"""The engine inside the platform: built lazily from the database, updated incrementally when an
organization is saved, and kept in step across application servers (two index directories)."""

import io
import json

import pytest
from django.core.management import call_command

from hamafza.directory import services as directory_services
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.matching import selectors, services
from hamafza.matching.models import IndexChange, IndexState
from hamafza.matching.services import IndexHolder, index_change_record, index_state

pytestmark = pytest.mark.django_db

BRIDGE_FA = "پایش سلامت سازه پل‌ها با حسگرهای ارتعاش و کرنش"


def ranked_slugs(engine, text):
    ids = [int(m.organization) for m in engine.rank_for_capabilities([], text=text, top=20)]
    by_id = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "slug"))
    return [by_id[i] for i in ids if i in by_id]


def create_org(**fields):
    values = {
        "name": "پل‌پایش",
        "name_en": "BridgeWatch",
        "kind": OrganizationKind.STARTUP,
        "province": "Qom",
        "city_name": "Qom",
        "description_fa": BRIDGE_FA,
    }
    values.update(fields)
    return directory_services.organization_create(**values)


def test_engine_is_built_lazily_from_the_database(index_dir, orgs):
    engine = services.get_engine()
    assert len(engine) == 4
    holder = services.index_holder()
    assert holder.rebuilds == 1 and holder.version == 0
    current = (index_dir / "CURRENT").read_text().strip()
    assert json.loads((index_dir / current / "version.json").read_text())["version"] == 0
    # a second use does not rebuild
    assert services.get_engine() is engine and holder.rebuilds == 1


def test_saving_an_organization_updates_the_index_incrementally(index_dir, orgs, django_capture_on_commit_callbacks):
    engine = services.get_engine()
    holder = services.index_holder()
    assert "bridgewatch" not in ranked_slugs(engine, "bridge structural health monitoring")
    with django_capture_on_commit_callbacks(execute=True):
        org = create_org()
    # the task ran on commit (eager): it bumped the version and applied the change here
    assert index_state()[0] == 1
    assert IndexChange.objects.filter(organization_id=org.pk, action="upsert").exists()
    assert holder.version == 1 and holder.rebuilds == 1  # no rebuild: an incremental update
    assert org.slug in ranked_slugs(services.get_engine(), "پایش سلامت پل")
    assert org.slug in ranked_slugs(services.get_engine(), "bridge structural health monitoring")  # cross-language
    # an edit through the directory's service replaces what the index knows
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.organization_update(
            organization=org, by=None, description_fa="کمپوست پسماند تر و کود آلی", name_en="Compost Co"
        )
    assert org.slug not in ranked_slugs(services.get_engine(), "پایش سلامت پل")
    assert org.slug in ranked_slugs(services.get_engine(), "کمپوست")
    assert holder.rebuilds == 1


def test_a_removed_organization_leaves_the_index(index_dir, orgs, django_capture_on_commit_callbacks):
    from hamafza.matching.tasks import index_organization

    engine = services.get_engine()
    seo_pk = orgs["seo"].pk
    assert str(seo_pk) in engine
    orgs["seo"].delete()
    index_organization.delay(seo_pk)
    assert IndexChange.objects.get(organization_id=seo_pk).action == IndexChange.Action.REMOVE
    assert str(seo_pk) not in services.get_engine()


def test_two_servers_converge(tmp_path, orgs, django_capture_on_commit_callbacks):
    """Two application servers, each with its own index directory, and a third process on the
    first server's directory: every change reaches every one of them."""
    server_a = IndexHolder(tmp_path / "a")
    server_b = IndexHolder(tmp_path / "b")
    a_second_process = IndexHolder(tmp_path / "a")
    for holder in (server_a, server_b, a_second_process):
        assert len(holder.engine()) == 4
    assert server_a.rebuilds + a_second_process.rebuilds == 1  # the second process opened A's index

    # a save on "some server" (the task records it; these holders learn it from the database)
    with django_capture_on_commit_callbacks(execute=True):
        org = create_org()
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.organization_verify(organization=orgs["leak_tehran"], by=None)
    seo_pk = orgs["seo"].pk
    orgs["seo"].delete()
    index_change_record(organization_ids=[seo_pk], action=IndexChange.Action.REMOVE)
    version = index_state()[0]
    assert version == 3

    assert server_a.sync() == 3  # upsert, verify, removal
    assert server_b.sync() == 3
    assert a_second_process.sync() == 3
    for holder in (server_a, server_b, a_second_process):
        engine = holder.engine()
        assert holder.version == version
        assert len(engine) == 4
        assert str(org.pk) in engine and str(seo_pk) not in engine
        assert engine._orgs[str(orgs["leak_tehran"].pk)].verified
        assert org.slug in ranked_slugs(engine, "پایش سلامت پل")
    # nothing to do now: one query each
    assert server_b.sync() == 0
    # the processes that share A's directory agree on what is on disk
    current = (tmp_path / "a" / "CURRENT").read_text().strip()
    assert json.loads((tmp_path / "a" / current / "version.json").read_text())["version"] == version
    assert server_a.rebuilds + a_second_process.rebuilds + server_b.rebuilds == 2


def test_a_server_too_far_behind_rebuilds(tmp_path, orgs):
    server_a = IndexHolder(tmp_path / "a")
    server_b = IndexHolder(tmp_path / "b")
    server_a.engine(), server_b.engine()
    extra = OrganizationFactory(slug="late", description_en="Bridge structural health monitoring sensors")
    index_change_record(organization_ids=[extra.pk])
    server_a.sync()
    index_change_record(organization_ids=[orgs["waste"].pk])
    # the log was pruned past B's version: B cannot replay it and rebuilds from the database
    IndexChange.objects.filter(version=1).delete()
    before = server_b.rebuilds
    server_b.sync()
    assert server_b.rebuilds == before + 1
    server_a.sync()
    assert server_a.version == server_b.version == index_state()[0]
    assert "late" in ranked_slugs(server_b.engine(), "bridge structural health")


def test_an_index_of_another_database_is_not_trusted(tmp_path, orgs):
    holder = IndexHolder(tmp_path / "x")
    holder.engine()
    # e.g. the database was restored from another installation: another epoch
    IndexState.objects.filter(name=IndexState.ORGANIZATIONS).update(epoch="another")
    fresh = IndexHolder(tmp_path / "x")
    fresh.engine()
    assert fresh.rebuilds == 1
    holder.sync()
    assert holder.rebuilds == 1 and holder.generation == fresh.generation  # moved to the new one


def test_index_rebuild_command(index_dir, orgs):
    out = io.StringIO()
    call_command("index_rebuild", "--no-progress", stdout=out)
    assert "4" in out.getvalue()
    assert (index_dir / "CURRENT").exists()
    assert len(services.get_engine()) == 4


def test_directory_search_uses_the_engine_and_falls_back_without_an_index(client, index_dir, orgs):
    # no index of this database yet: the folded-text search, no error
    response = client.get("/en/organizations/", {"q": "leak detection"})
    assert response.status_code == 200
    assert [o.slug for o in response.context["organizations"]] == ["leak-qom"]
    assert selectors.organization_ranking_for_query("leak detection") is None
    services.get_engine()  # e.g. a matching page built it
    response = client.get("/en/organizations/", {"q": "leak detection"})
    found = [o.slug for o in response.context["organizations"]]
    # the Persian-only Tehran company is found through the shared capability space, ranked
    assert set(found[:2]) == {"leak-qom", "leak-tehran"}
    assert "seo-agency" not in found
    # the directory's own filters still apply
    response = client.get("/en/organizations/", {"q": "leak detection", "province": "Tehran"})
    assert [o.slug for o in response.context["organizations"]] == ["leak-tehran"]


def test_directory_search_query_count_is_bounded(client, index_dir, orgs, taxonomy_db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.get_engine()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/fa/organizations/", {"q": "نشت آب"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(10):
        org = OrganizationFactory(description_fa=f"تشخیص نشت آب شماره {i}", capabilities=[taxonomy_db["water.leak"]])
        index_change_record(organization_ids=[org.pk])
    client.get("/fa/organizations/", {"q": "نشت آب"})  # catches up
    assert count() == few


def test_directory_search_survives_a_broken_index(client, index_dir, orgs, monkeypatch):
    services.get_engine()

    def boom(*args, **kwargs):
        raise RuntimeError("index unreadable")

    monkeypatch.setattr(services.IndexHolder, "engine_if_available", boom)
    response = client.get("/en/organizations/", {"q": "leak detection"})
    assert response.status_code == 200
    assert [o.slug for o in response.context["organizations"]] == ["leak-qom"]


def test_a_save_records_its_index_change_even_when_the_task_is_lost(monkeypatch):
    """The change-log row is written in the saving transaction; a task lost by the broker only
    delays applying it, another server still sees the change from the log."""
    from hamafza.matching import tasks

    for task in (tasks.index_sync, tasks.index_organization):  # the broker loses every task
        monkeypatch.setattr(task, "delay", lambda *args, **kwargs: None)
    before = index_state()[0]
    org = create_org()
    assert index_state()[0] == before + 1
    assert IndexChange.objects.filter(organization_id=org.pk, version=before + 1).exists()

    directory_services.organization_update(organization=org, by=None, description_en="Bridge sensors")
    assert IndexChange.objects.filter(organization_id=org.pk, version=before + 2).exists()


@pytest.mark.parametrize("q", ["هوشمند\u200cسازی", "هوشمندسازی", "هوشمند سازی", "روشنایی\u200cهای هوشمند"])
def test_directory_search_through_the_engine_finds_the_stem(client, index_dir, taxonomy_db, q):
    smart = OrganizationFactory(slug="smart-light", description_fa="روشنایی هوشمند معابر", description_en="")
    OrganizationFactory(slug="lifts", description_fa="تعمیر آسانسور", description_en="")
    services.get_engine()
    assert [int(pk) for pk in selectors.organization_ranking_for_query(q) or []][:1] == [smart.pk]
    response = client.get("/fa/organizations/", {"q": q})
    assert [o.slug for o in response.context["organizations"]] == ["smart-light"]
