"""The organizations' words (issue 19, ADR 0034): the directory search reads a word-level index
instead of rechecking ``search_text LIKE '%stem%'`` on every matching text, with the same results,
kept in step by ``Organization.save()``, rebuilt and checked by ``manage.py organization_words``."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from hamafza.accounts.tests.factories import UserFactory
from hamafza.core.tests.factories import CapabilityFactory
from hamafza.core.tests.plans import plan_of, requires_postgres
from hamafza.core.text import fold, search_stems
from hamafza.directory import selectors, services, words
from hamafza.directory.models import Organization, OrganizationWord, SearchWord
from hamafza.directory.tests.factories import OrganizationFactory

_LETTERS = "abcdeداهیکبازیافت1_ "


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=_LETTERS + ".-،", max_size=60),
    stem=st.text(alphabet=_LETTERS.replace(" ", ""), min_size=1, max_size=8),
)
def test_the_words_answer_like_the_text(text, stem):
    folded = fold(text)
    assert words.is_word_stem(stem)
    assert any(stem in w for w in words.text_words(folded)) == (stem in folded)


def test_a_long_word_is_stored_as_overlapping_pieces_that_hold_any_stem():
    long_word = "".join(chr(0x0627 + (i * 7) % 26) for i in range(1000))  # 1,000 Arabic-script letters
    pieces = words.text_words(f"کوتاه {long_word}")
    assert "کوتاه" in pieces
    assert all(len(p) <= words.WORD_WINDOW for p in pieces)
    for start in (0, 150, 199, 200, 399, 401, 777, 800, 1000 - words.MAX_STEM):
        stem = long_word[start : start + words.MAX_STEM]
        assert any(stem in p for p in pieces), start
    assert not words.is_word_stem("a" * (words.MAX_STEM + 1))


@pytest.mark.django_db
def test_search_finds_what_the_text_match_found():
    """Half-spaces typed, lost or spaced, Arabic ي/ك, suffixes, a word inside a longer one, English
    prefixes: the rows found are the rows ``search_text LIKE '%stem%'`` finds."""
    texts = [
        "پایگاه‌داده‌های شهری",
        "پایگاهدادههای شهري",
        "داده ها و هوشمند‌سازی",
        "بازيافت پسماند شهری",
        "بازیافتی‌ها",
        "Recycling of plastics",
        "recyclers and data-bases",
        "Nothing relevant",
    ]
    for i, text in enumerate(texts):
        OrganizationFactory(name=f"سازمان {i}", name_en="", description_fa=text, description_en="")
    queries = ["داده‌ها", "دادهها", "داده ها", "بازیافت", "بازيافتي", "هوشمندسازی", "recycl", "data", "شهری", "یافت"]
    for q in queries:
        expected = Organization.objects.all()
        for stem in search_stems(q):
            expected = expected.filter(search_text__contains=stem)
        found = set(selectors.organization_list(q=q).values_list("pk", flat=True))
        assert found == set(expected.values_list("pk", flat=True)), q
        assert found, q


@pytest.mark.django_db
def test_a_stem_the_words_cannot_hold_is_searched_in_the_texts():
    org = OrganizationFactory(name="İstanbul Tech", name_en="")
    (stem,) = search_stems("İstanbul")
    assert not words.is_word_stem(stem)  # casefold gives i + a combining dot, not a word character
    assert not any(stem in w for w in words.text_words(org.search_text))
    assert org.pk in set(selectors.organization_list(q="İstanbul").values_list("pk", flat=True))


def _stored(org) -> set[str]:
    return set(OrganizationWord.objects.filter(organization=org).values_list("word__word", flat=True))


@pytest.mark.django_db
def test_saving_an_organization_keeps_its_words_in_step():
    admin = UserFactory(is_superuser=True)
    org = services.organization_create(
        name="شرکت بازیافت", kind="startup", province="Qom", city_name="قم", description_fa="کمپوست"
    )
    assert _stored(org) == words.text_words(org.search_text) and "کمپوست" in _stored(org)
    services.organization_update(organization=org, by=admin, description_fa="انرژی خورشیدی")
    assert "کمپوست" not in _stored(org) and {"انرژی", "خورشیدی"} <= _stored(org)
    assert not selectors.organization_list(q="کمپوست").count()
    assert [o.pk for o in selectors.organization_list(q="خورشیدی")] == [org.pk]
    # a save that does not change the text does not touch the words
    org = Organization.objects.get(pk=org.pk)
    with CaptureQueriesContext(connection) as ctx:
        services.organization_verify(organization=org, by=admin)
    assert not any("directory_organizationword" in q["sql"] for q in ctx.captured_queries)
    # a save that does not store the text does not either
    org.description_fa = "چیزی دیگر"
    org.save(update_fields=["description_fa"])
    assert "خورشیدی" in _stored(org)
    org.delete()
    assert not OrganizationWord.objects.exists()
    assert SearchWord.objects.filter(word="خورشیدی").exists()  # the vocabulary keeps it until a rebuild


@pytest.mark.django_db
def test_capability_changes_are_found_without_the_words():
    """A capability's words are read from the taxonomy and the links at search time: linking one,
    unlinking it or renaming it changes the results at once."""
    cap = CapabilityFactory(name_fa="پهپاد", name_en="Drones", synonyms_fa=[])
    org = OrganizationFactory(name="شرکت", name_en="", description_fa="", description_en="")
    assert not selectors.organization_list(q="پهپاد").count()
    org.capabilities.add(cap)
    assert [o.pk for o in selectors.organization_list(q="پهپاد")] == [org.pk]
    cap.synonyms_fa = ["پرنده بدون سرنشین"]
    cap.save()
    assert [o.pk for o in selectors.organization_list(q="سرنشین")] == [org.pk]
    org.capabilities.remove(cap)
    assert not selectors.organization_list(q="پهپاد").count()


@pytest.mark.django_db
def test_rebuild_and_check_commands():
    orgs = [OrganizationFactory(description_fa=f"واژه{i} مشترک") for i in range(3)]
    call_command("organization_words", "check", stdout=StringIO())
    # rows written around the model (a bulk load): check finds them, rebuild repairs
    Organization.objects.filter(pk=orgs[0].pk).update(search_text=fold("متن تازه"))
    OrganizationWord.objects.filter(organization=orgs[1]).delete()
    SearchWord.objects.create(word="بی‌صاحب")
    with pytest.raises(CommandError):
        call_command("organization_words", "check", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("organization_words", "rebuild", stdout=out)
    assert re.search(r"3 organizations, \d+ rows", out.getvalue())
    call_command("organization_words", "check", stdout=StringIO())
    assert _stored(orgs[0]) == {"متن", "تازه"}
    assert not SearchWord.objects.filter(word="بی‌صاحب").exists()
    assert [o.pk for o in selectors.organization_list(q="تازه")] == [orgs[0].pk]


@requires_postgres
@pytest.mark.django_db
def test_the_search_reads_the_words_by_their_indexes():
    """PostgreSQL: the text branch is the vocabulary's trigram index then the (word, organization)
    primary key, the capability branch the links' index by capability; no organization's text is
    read (no ``organization_search_trgm``, no ``search_text`` in the plan)."""
    cap = CapabilityFactory(name_fa="بازیافت پسماند", name_en="Waste recycling")
    OrganizationFactory(name="بازیافت شهری").capabilities.add(cap)
    text = words.organizations_containing("بازیافت")
    plan = plan_of(text, enable_indexscan="off", enable_bitmapscan="on")
    assert "searchword_trgm" in plan
    plan = plan_of(text)
    assert "directory_organizationword_pkey" in plan, plan
    search = selectors.organization_list(q="بازیافت")
    plan = plan_of(search.values("pk")[:25])
    assert "directory_organizationword_pkey" in plan, plan
    # the capability branch from the links' index alone (on a few rows the single-column index of
    # the foreign key is as cheap, so it is dropped inside the test's transaction)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'directory_organization_capabilities' "
            "AND indexdef LIKE '%%(capability_id)'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
    plan = plan_of(search.values("pk")[:25], enable_bitmapscan="off")
    assert "Index Only Scan using organization_capability_by_capability" in plan, plan
    assert "organization_search_trgm" not in plan, plan
    lines = plan.splitlines()
    for i, line in enumerate(lines):  # the only text read is the taxonomy's
        if "search_text" in line:
            scan = next(previous for previous in reversed(lines[: i + 1]) if " on " in previous)
            assert "core_capability" in scan, plan
