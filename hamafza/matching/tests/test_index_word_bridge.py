"""The platform's index and the word bridge (ADR 0031): `hamafza index rebuild --word-bridge`
pairs the directory's words with the embedding model; a rebuild without it (or one that a server
starts itself) keeps the current generation's pairs and never embeds."""

import io

import pytest
from django.core.management import call_command

from hamafza.directory.models import OrganizationKind
from hamafza.directory.tests.factories import OrganizationFactory
from hamafza.matching import services
from hamafza.matching.engine import semantic
from hamafza.matching.engine.analysis import stem
from hamafza.matching.engine.bridge import WORD_BRIDGE_FILE
from hamafza.matching.tests.test_bridge import _fake_embed

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(city, taxonomy_db):
    """Two Persian and two English organizations saying the same thing, among unrelated ones."""
    made = [
        OrganizationFactory(
            slug=f"fa-{i}", kind=OrganizationKind.STARTUP, description_fa="کشاورزی عمودی در شهر", description_en=""
        )
        for i in range(2)
    ] + [
        OrganizationFactory(
            slug=f"en-{i}", kind=OrganizationKind.STARTUP, description_fa="", description_en="vertical farming"
        )
        for i in range(2)
    ]
    return made


def _bridge_of_current():
    holder = services.index_holder()
    current, _ = holder._current()
    return holder.root / current / WORD_BRIDGE_FILE


def test_rebuild_with_the_word_bridge_pairs_words_and_a_plain_rebuild_keeps_them(index_dir, twins, monkeypatch):
    calls = []

    def embed(words):
        calls.append(list(words))
        return _fake_embed(words)

    monkeypatch.setattr(semantic, "embed_passages", embed)
    out = io.StringIO()
    call_command("index_rebuild", "--word-bridge", "--no-progress", stdout=out)
    assert calls, "the words were embedded"
    engine = services.index_holder().engine()
    assert stem("عمودی") in engine.word_bridge.paired(stem("vertical"))
    assert _bridge_of_current().exists()
    assert str(len(engine.word_bridge.pairs)) in out.getvalue().splitlines()[-1]

    # a plain rebuild embeds nothing and carries the pairs over to the new generation
    calls.clear()
    first = services.index_holder().generation
    services.index_rebuild()
    assert services.index_holder().generation != first
    assert calls == []
    again = services.index_holder().engine()
    assert again.word_bridge is not None and again.word_bridge.pairs == engine.word_bridge.pairs
    assert _bridge_of_current().exists()


def test_without_the_flag_no_bridge_is_built_and_nothing_is_embedded(index_dir, twins, monkeypatch):
    def embed(words):
        raise AssertionError("a rebuild without --word-bridge must not embed")

    monkeypatch.setattr(semantic, "embed_passages", embed)
    call_command("index_rebuild", "--no-progress", stdout=io.StringIO())
    assert services.index_holder().engine().word_bridge is None
    assert not _bridge_of_current().exists()


def test_an_unreadable_bridge_is_not_carried_over(index_dir, twins, monkeypatch):
    monkeypatch.setattr(semantic, "embed_passages", _fake_embed)
    services.index_rebuild(word_bridge=True)
    _bridge_of_current().write_text("{not json", encoding="utf-8")
    services.index_rebuild()
    assert services.index_holder().engine().word_bridge is None
