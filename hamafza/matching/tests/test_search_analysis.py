"""Challenge search uses the matching engine's analysis: a query in one language finds a call
written in the other through the capabilities the engine infers from the query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamafza.challenges.selectors import call_list_public
from hamafza.challenges.tests.factories import PublishedCallFactory
from hamafza.matching.services import query_capabilities

pytestmark = pytest.mark.django_db


def test_query_capabilities_in_both_languages(index_dir, taxonomy_db):
    assert "water.leak" in query_capabilities("leak detection")
    assert "water.leak" in query_capabilities("نشت آب")
    assert query_capabilities("") == []


def test_a_saved_taxonomy_change_is_seen_by_the_next_query(index_dir, taxonomy_db):
    """The parsed taxonomy is reused while core.selectors.taxonomy_stamp is unchanged (one small
    query per search instead of reading every capability), and a saved change is seen at once."""
    assert "water.leak" not in query_capabilities("zzqxwing")
    with CaptureQueriesContext(connection) as ctx:
        query_capabilities("leak detection")
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    leak = taxonomy_db["water.leak"]
    leak.synonyms_en = [*leak.synonyms_en, "zzqxwing"]
    leak.save()
    assert "water.leak" in query_capabilities("zzqxwing")


def test_english_query_finds_a_persian_call_by_inferred_capability(city, index_dir, taxonomy_db):
    leak = PublishedCallFactory(
        city=city,
        title="کاهش هدررفت در شبکه توزیع",
        description="لوله‌های فرسوده زیر فشار می‌ترکند.",
        capabilities=[taxonomy_db["water.leak"]],
    )
    other = PublishedCallFactory(
        city=city,
        title="تفکیک از مبدأ",
        description="کاهش دفن",
        capabilities=[taxonomy_db["waste.sorting"]],
    )
    # "detecting" occurs in no text or capability name: only the engine's stemming and inference
    # connect it with leak detection
    found = list(call_list_public(status="all", q="detecting leaks"))
    assert leak in found
    assert other not in found
    # the words of the call still find it, in its own language
    assert leak in call_list_public(status="all", q="هدررفت")


def test_generic_word_does_not_widen_the_search(city, index_dir, taxonomy_db):
    call = PublishedCallFactory(
        city=city, title="پایش ترافیک", description="شمارش خودرو", capabilities=[taxonomy_db["traffic.analytics"]]
    )
    # "website traffic" shares a word with the taxonomy but infers nothing confidently
    assert call not in call_list_public(status="all", q="website traffic")
