"""The open calls' index behind "calls for you" (ADR 0026): a large first build runs in a background
thread while the page answers at once from a correct, partial fallback; changed calls are applied
incrementally; many changes at once rebuild in the background while the previous index serves."""

import threading

import pytest
from django.urls import reverse

from hamafza.accounts.tests.factories import PASSWORD
from hamafza.matching import call_index
from hamafza.matching.engine import ChallengeSet
from hamafza.matching.tests.web_fixtures import water_call

LEAK_TEXT = "لوله‌ها در خیابان‌های قدیمی می‌ترکند و آب زیادی هدر می‌رود؛ نشت را زودتر پیدا کنیم."


def page(client, org):
    response = client.get(reverse("matching:calls_for_you", args=[org.slug]))
    assert response.status_code == 200, response.content.decode()[:800]
    return response


def ids(response):
    return [row.call.pk for row in response.context["rows"]]


class GatedSet(ChallengeSet):
    """A ChallengeSet whose build in the background thread waits for ``gate`` (to look at the page
    while the build is still running)."""

    gate = threading.Event()

    def __init__(self, engine, challenges):
        if threading.current_thread().name == "calls-for-you-index":
            assert self.gate.wait(30), "the test never opened the gate"
        super().__init__(engine, challenges)


@pytest.mark.django_db(transaction=True)
def test_a_large_first_build_runs_in_the_background_and_the_page_answers_meanwhile(
    client, settings, monkeypatch, index_dir, member, city, unit, orgs, taxonomy_db
):
    settings.MATCHING_CALL_INDEX_INLINE_MAX = 0  # every first build is "large"
    monkeypatch.setattr(call_index, "ChallengeSet", GatedSet)
    GatedSet.gate.clear()
    declared = water_call(city, unit)
    declared.capabilities.add(taxonomy_db["water.leak"])
    words_only = water_call(city, unit, title="نشت لوله‌های آب", description=LEAK_TEXT)  # no declared capability
    elsewhere = water_call(city, unit, allowed_provinces=["Tehran"])
    elsewhere.capabilities.add(taxonomy_db["water.leak"])
    assert client.login(email=member.email, password=PASSWORD)
    index = call_index.open_call_index()

    response = page(client, orgs["leak_qom"])  # answered while the build waits at the gate
    assert index.building()
    assert response.context["rows"].partial is True
    assert 'id="calls-partial"' in response.content.decode()
    assert ids(response) == [declared.pk]  # the calls asking for its capability, eligible ones only
    assert response.context["rows"][0].explanation.capabilities  # explained like the full list

    GatedSet.gate.set()
    assert index.wait(30)
    response = page(client, orgs["leak_qom"])
    assert response.context["rows"].partial is False
    assert 'id="calls-partial"' not in response.content.decode()
    assert set(ids(response)) == {declared.pk, words_only.pk}
    assert index.builds == 1


def test_changed_calls_are_applied_without_a_rebuild(client, index_dir, member, city, unit, orgs, taxonomy_db):
    assert client.login(email=member.email, password=PASSWORD)
    first = water_call(city, unit)
    assert ids(page(client, orgs["leak_qom"])) == [first.pk]
    index = call_index.open_call_index()
    assert index.builds == 1

    second = water_call(city, unit, title="پیدا کردن نشت آب", description=LEAK_TEXT)  # a new call
    first.allowed_provinces = ["Tehran"]  # no longer for a Qom organization
    first.save()
    response = page(client, orgs["leak_qom"])
    assert ids(response) == [second.pk]
    assert response.context["rows"].partial is False
    second.state = second.State.CLOSED
    second.save()
    assert ids(page(client, orgs["leak_qom"])) == []
    assert index.builds == 1  # all of it incremental


@pytest.mark.django_db(transaction=True)
def test_many_changes_rebuild_in_the_background_while_the_previous_index_serves(
    client, monkeypatch, index_dir, member, city, unit, orgs, taxonomy_db
):
    monkeypatch.setattr(call_index, "INCREMENTAL_MAX", 1)
    assert client.login(email=member.email, password=PASSWORD)
    first = water_call(city, unit)
    assert ids(page(client, orgs["leak_qom"])) == [first.pk]
    index = call_index.open_call_index()
    monkeypatch.setattr(call_index, "ChallengeSet", GatedSet)
    GatedSet.gate.clear()
    water_call(city, unit, title="پیدا کردن نشت آب", description=LEAK_TEXT)
    water_call(city, unit, title="نشت‌یابی شبکه آب", description=LEAK_TEXT)

    response = page(client, orgs["leak_qom"])  # two changes > INCREMENTAL_MAX: the previous index serves
    assert index.building()
    assert ids(response) == [first.pk] and response.context["rows"].partial is False
    GatedSet.gate.set()
    assert index.wait(30)
    assert len(ids(page(client, orgs["leak_qom"]))) == 3
    assert index.builds == 2


@pytest.mark.django_db(transaction=True)
def test_a_replaced_engine_is_served_by_the_previous_calls_index_until_the_new_one_is_built(
    client, settings, monkeypatch, index_dir, member, city, unit, orgs, taxonomy_db
):
    from hamafza.matching import services

    assert client.login(email=member.email, password=PASSWORD)
    first = water_call(city, unit)
    assert ids(page(client, orgs["leak_qom"])) == [first.pk]
    index = call_index.open_call_index()
    settings.MATCHING_CALL_INDEX_INLINE_MAX = 0
    monkeypatch.setattr(call_index, "ChallengeSet", GatedSet)
    GatedSet.gate.clear()
    services.index_rebuild()  # a new generation: a new engine object in this process

    response = page(client, orgs["leak_qom"])
    assert index.building()
    assert ids(response) == [first.pk] and response.context["rows"].partial is False
    GatedSet.gate.set()
    assert index.wait(30)
    assert index.builds == 2
    assert ids(page(client, orgs["leak_qom"])) == [first.pk]
