"""The organizations' words: a word-level index of their folded search texts (issue 19, ADR 0034).

A directory search asks, for each word typed (its stem, ``core.text.search_stems``), which
organizations have it *inside* their folded ``search_text`` (``LIKE '%stem%'``: ``داده`` finds
``داده‌ها`` and ``پایگاه‌داده``, ``recycl`` finds ``recycling``). At 100,000 organizations the
trigram index answered that with a recheck of every candidate's whole text on the heap (45–52 ms
for a common word). Here the same question is asked of two small tables instead:

* ``SearchWord``: each distinct word of the texts, once (a few thousand rows, not 100,000 texts);
* ``OrganizationWord``: (word, organization), its primary key an index by word.

``organizations_containing(stem)`` reads the words that contain the stem (a scan of the short
vocabulary, a trigram index on PostgreSQL) and then their organizations by that index.

**Same results as the ``LIKE`` on the text.** A stem made only of word characters (``\\w``) that
occurs in a text occurs inside one run of word characters of it, and the runs of the text are
exactly its words here, so "a word of the text contains the stem" is the same test as "the text
contains the stem". A stem with any other character, or longer than ``MAX_STEM`` (the query is
at most 200 characters), is looked up in the texts as before. A word longer than ``WORD_WINDOW``
is stored as overlapping pieces of that length, ``MAX_STEM`` apart, so any stem of at most
``MAX_STEM`` characters inside it lies whole inside one piece.
"""

from __future__ import annotations

import re

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import QuerySet

MAX_STEM = 200
WORD_WINDOW = 2 * MAX_STEM
_WORD = re.compile(r"\w+", re.UNICODE)


def text_words(search_text: str) -> set[str]:
    """The words stored for a folded search text: its runs of word characters, a long one as
    overlapping pieces (see the module's docstring)."""
    out: set[str] = set()
    for word in _WORD.findall(search_text or ""):
        if len(word) <= WORD_WINDOW:
            out.add(word)
        else:
            out.update(word[i : i + WORD_WINDOW] for i in range(0, len(word) - MAX_STEM, MAX_STEM))
    return out


def _models(apps):
    """The models (by name: ``models`` imports this module; a migration passes its own ``apps``)."""
    return tuple(apps.get_model("directory", name) for name in ("Organization", "SearchWord", "OrganizationWord"))


def is_word_stem(stem: str) -> bool:
    """True when the words can answer a search for ``stem`` (else the texts are searched)."""
    return len(stem) <= MAX_STEM and _WORD.fullmatch(stem) is not None


def organizations_containing(stem: str) -> QuerySet:
    """Ids (``organization_id``) of the organizations whose search text contains ``stem`` (folded),
    as a subquery: the words containing it, then their organizations by the primary key."""
    Organization, SearchWord, OrganizationWord = _models(django_apps)  # by name: models.py imports this module
    if not is_word_stem(stem):
        return Organization.objects.filter(search_text__contains=stem).order_by().values("pk")
    words = SearchWord.objects.filter(word__contains=stem).order_by().values("pk")
    return OrganizationWord.objects.filter(word__in=words).order_by().values("organization_id")


def _word_ids(words: set[str], SearchWord) -> dict[str, int]:  # noqa: N803 (a model class)
    """Ids of ``words`` in the vocabulary, adding the missing ones (two or three queries; a word
    another transaction adds at the same moment is not added twice)."""
    if not words:
        return {}
    ids = dict(SearchWord.objects.filter(word__in=words).values_list("word", "pk"))
    missing = words - ids.keys()
    if missing:
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in missing], ignore_conflicts=True)
        ids.update(SearchWord.objects.filter(word__in=missing).values_list("word", "pk"))
    return ids


@transaction.atomic(savepoint=False)
def set_organization_words(organization_id: int, search_text: str) -> None:
    """Make the organization's rows say the words of ``search_text`` (its folded search text):
    the words it lost are deleted, the new ones added (a few queries; none for an unchanged word)."""
    _organization, SearchWord, OrganizationWord = _models(django_apps)
    wanted = text_words(search_text)
    rows = OrganizationWord.objects.filter(organization_id=organization_id)
    have = dict(rows.values_list("word__word", "word_id"))
    gone = [word_id for word, word_id in have.items() if word not in wanted]
    if gone:
        rows.filter(word_id__in=gone).delete()
    added = wanted - have.keys()
    if added:
        ids = _word_ids(added, SearchWord)
        OrganizationWord.objects.bulk_create(
            [OrganizationWord(word_id=ids[w], organization_id=organization_id) for w in added], ignore_conflicts=True
        )


def _insert(OrganizationWord, pairs: list[tuple[int, int]]) -> None:  # noqa: N803 (a model class)
    """Insert (word id, organization id) rows: on PostgreSQL one statement of two arrays (the
    rebuild writes millions of rows), elsewhere ``bulk_create``."""
    if not pairs:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(OrganizationWord._meta.db_table)  # the model's, not input
        sql = f"INSERT INTO {table} (word_id, organization_id) SELECT * FROM unnest(%s::bigint[], %s::bigint[])"  # noqa: S608
        word_ids, organization_ids = zip(*pairs, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(word_ids), list(organization_ids)])
    else:
        OrganizationWord.objects.bulk_create(
            [OrganizationWord(word_id=w, organization_id=o) for w, o in pairs], batch_size=5_000
        )


def rebuild(*, batch: int = 2000, apps=django_apps, log=None) -> dict[str, int]:
    """Recompute every organization's words from its stored search text (after a restore, a bulk
    load or rows written straight into the tables; ``Organization.save()`` keeps them otherwise)
    and drop the vocabulary's words no organization has. Organizations are read ``batch`` at a
    time (bounded memory); ``apps`` gives the models (a migration passes its own). Returns
    {"organizations", "rows", "words"}."""
    Organization, SearchWord, OrganizationWord = _models(apps)
    if connection.vendor == "postgresql":  # millions of rows: no DELETE of each
        with connection.cursor() as cursor:
            # TRUNCATE refuses while foreign-key checks of this transaction are pending: run them first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(OrganizationWord._meta.db_table)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        OrganizationWord.objects.all().delete()
    known: dict[str, int] = dict(SearchWord.objects.values_list("word", "pk"))
    used: set[int] = set()
    organizations = rows = 0
    texts = Organization.objects.order_by("pk").values_list("pk", "search_text")
    last = 0
    while chunk := list(texts.filter(pk__gt=last)[:batch]):
        last = chunk[-1][0]
        per_org = [(pk, text_words(text)) for pk, text in chunk]
        new = set().union(*(w for _pk, w in per_org)) - known.keys()
        if new:
            known.update(_word_ids(new, SearchWord))
        pairs = [(known[w], pk) for pk, ws in per_org for w in ws]
        _insert(OrganizationWord, pairs)
        used.update(word_id for word_id, _pk in pairs)
        organizations += len(chunk)
        rows += len(pairs)
        if log and organizations % (batch * 10) == 0:
            log(f"{organizations} organizations, {rows} rows")
    unused = [pk for pk in known.values() if pk not in used]
    for start in range(0, len(unused), 10_000):
        SearchWord.objects.filter(pk__in=unused[start : start + 10_000]).delete()
    return {"organizations": organizations, "rows": rows, "words": len(known) - len(unused)}


def disagreements(*, limit: int = 20, batch: int = 2000) -> list[tuple[int, str]]:
    """(organization id, what is wrong) where an organization's rows do not say the words of its
    stored search text (at most ``limit``; two queries per ``batch`` organizations). Empty when the
    table is in step."""
    Organization, _search_word, OrganizationWord = _models(django_apps)
    problems: list[tuple[int, str]] = []
    texts = Organization.objects.order_by("pk").values_list("pk", "search_text")
    last = 0
    while chunk := list(texts.filter(pk__gt=last)[:batch]):
        last = chunk[-1][0]
        have: dict[int, set[str]] = {pk: set() for pk, _text in chunk}
        stored = OrganizationWord.objects.filter(organization_id__in=have).values_list("organization_id", "word__word")
        for pk, word in stored:
            have[pk].add(word)
        for pk, text in chunk:
            wanted = text_words(text)
            if have[pk] != wanted:
                missing, extra = sorted(wanted - have[pk])[:3], sorted(have[pk] - wanted)[:3]
                problems.append((pk, f"missing {missing}, not in its text {extra}"))
                if len(problems) >= limit:
                    return problems
    return problems
