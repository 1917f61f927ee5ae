"""Reads of the matching engine for the pages and the API: organizations to invite to a call,
calls for an organization, and the engine's relevance order for the directory search.

Every list is permission-checked here (``matching.*`` rules), re-checked for eligibility against
the database with ``challenges.eligibility.call_eligibility_for`` (the engine's index may lag the
database by a moment) and loaded in a fixed number of queries whatever its length.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import Call, CallType
from hamafza.core import hooks
from hamafza.core.formatting import in_active_language, is_persian
from hamafza.core.models import Capability
from hamafza.directory.models import Organization
from hamafza.matching import call_index, services

log = logging.getLogger(__name__)

MATCHES_TOP = 30
CALLS_TOP = 20
SEARCH_LIMIT = 500

SIGNAL_LABELS = {
    "capability": pgettext_lazy("label", "Capabilities"),
    "text": _("Words in common"),
    "semantic": pgettext_lazy("label", "Similar meaning"),
    "locality": pgettext_lazy("label", "Local"),
    "knowledge_based": pgettext_lazy("label", "Knowledge-based certificate"),
    "track_record": pgettext_lazy("label", "Track record"),
    "verified": pgettext_lazy("label", "Verified profile"),
}
LOCALITY_LABELS = {"city": pgettext_lazy("label", "Same city"), "province": pgettext_lazy("label", "Same province")}


def track_record_evidence(ids) -> dict[int, list[str]]:
    """Per organization, what its track record counts, by name (``hooks.track_record_evidence``)."""
    return hooks.track_record_lines(list(ids))


def _caps_prefetch():
    return Prefetch("capabilities", queryset=Capability.objects.only("id", "code", "name_fa", "name_en"))


@dataclass
class Explanation:
    """An engine explanation prepared for a reader: names in the reader's language, shares in
    percent (they add up to 100)."""

    score: float
    capabilities: list[dict] = field(default_factory=list)
    words: list[dict] = field(default_factory=list)
    signals: list[dict] = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    track_record: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


_PERSIAN_LETTER = re.compile(r"[\u0600-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _in_reader_script(words) -> list[str]:
    """The evidence words written in the reader's script: the engine also matches English keywords
    of a capability and English descriptions, which mean nothing on a Persian page (the capability's
    label in the reader's language says what matched)."""
    letter = _PERSIAN_LETTER if is_persian() else _LATIN_LETTER
    return [w for w in words if letter.search(str(w))]


def explain(raw: dict) -> Explanation:
    caps = []
    for c in raw.get("capabilities", []):
        name = in_active_language(c.get("name_fa"), c.get("name_en")) or c["code"]
        caps.append(
            {
                "code": c["code"],
                "name": name,
                "declared": c.get("source") == "declared",
                "by_meaning": c.get("source") == "meaning",
                "related": bool(c.get("related_to")),
                "organization_evidence": _in_reader_script(c.get("organization_evidence", []))[:4],
                "challenge_evidence": _in_reader_script(c.get("challenge_evidence", []))[:4],
                "percent": round(100 * c.get("contribution", 0)),
            }
        )
    signals = []
    for key, entry in raw.get("signals", {}).items():
        share = entry.get("share", 0) or 0
        if share <= 0:
            continue
        label = SIGNAL_LABELS.get(key, key)
        if key == "locality":
            label = LOCALITY_LABELS.get(entry.get("value"), label)
        signals.append({"key": key, "label": label, "percent": round(100 * share, 1), "width": round(100 * share)})
    signals.sort(key=lambda s: -s["percent"])
    return Explanation(
        score=raw.get("score", 0.0),
        capabilities=caps,
        words=[
            w
            for w in raw.get("matched_words", [])
            if _in_reader_script([w.get("challenge", "")]) and _in_reader_script([w.get("organization", "")])
        ][:10],
        signals=signals,
        raw=raw,
    )


# --------------------------------------------------------------------------------------------
# Organizations to invite to a call
# --------------------------------------------------------------------------------------------
@dataclass
class OrganizationMatch:
    organization: object
    explanation: Explanation
    invited: bool

    @property
    def percent(self) -> int:
        return self.explanation.percent


def _organizations_by_id(ids):
    qs = Organization.objects.filter(pk__in=ids).select_related("city")
    qs = qs.prefetch_related(_caps_prefetch())
    return {o.pk: o for o in qs}


def matches_for_call(*, call, user, filters: dict | None = None, top: int = MATCHES_TOP) -> list[OrganizationMatch]:
    """Organizations ranked for a call, best first, each with its explanation and whether it is
    already invited. Only organizations that may take part (the call's eligibility, checked by the
    engine and again by ``call_eligibility_for``) are listed. `filters`: optional ``province`` and
    ``kind`` (narrowing, never widening, the call's own restrictions)."""
    if not user.has_perm("matching.view_call_matches", call):
        raise PermissionDenied("matching.view_call_matches")
    filters = filters or {}
    extra = {}
    if filters.get("province"):
        extra["provinces"] = [filters["province"]]
    if filters.get("kind"):
        extra["kinds"] = [filters["kind"]]
    engine = services.get_engine()
    matches = engine.match_challenge(services.call_doc(call), top=top + 20, filters=extra or None)
    orgs = _organizations_by_id([int(m.organization) for m in matches])
    invited = set(call.invited_organizations.values_list("pk", flat=True))
    rows = []
    for m in matches:
        org = orgs.get(int(m.organization))
        if org is None:  # removed since the index saw it
            continue
        if not services.eligible_if_invited(call=call, organization=org)[0]:
            continue
        rows.append(OrganizationMatch(org, explain(m.explanation), org.pk in invited))
        if len(rows) >= top:
            break
    evidence = track_record_evidence(r.organization.pk for r in rows)
    for r in rows:
        r.explanation.track_record = evidence.get(r.organization.pk, [])
    return rows


# --------------------------------------------------------------------------------------------
# Calls for an organization
# --------------------------------------------------------------------------------------------
@dataclass
class CallMatch:
    call: object
    explanation: Explanation

    @property
    def percent(self) -> int:
        return self.explanation.percent


class CallRows(list):
    """The rows of "calls for you"; ``partial`` when the open calls' index was still being built and
    the list holds only the calls that declare one of the organization's capabilities."""

    partial = False


def calls_for_organization(*, organization, user, top: int = CALLS_TOP) -> CallRows:
    """Open calls the organization may apply to, ranked for it, best first, with explanations."""

    if not user.has_perm("matching.view_calls_for_organization", organization):
        raise PermissionDenied("matching.view_calls_for_organization")
    engine = services.get_engine()
    rows = CallRows()
    tracks = services.track_records([organization.pk])
    doc = services.organization_doc(organization, track_record=tracks.get(organization.pk, 0))
    challenge_set = call_index.open_call_index().current(engine)
    if challenge_set is None:  # the first build runs in the background: a partial, correct list
        rows.partial = True
        codes = {c for c, _conf, _ev in engine.infer_capabilities(doc.text)} | set(doc.capabilities)
        challenge_set = call_index.fallback_set(engine, codes)
    if not len(challenge_set):
        return rows
    matches = engine.match_organization(doc, challenge_set, top=top + 10)
    ids = [int(m.challenge) for m in matches]
    calls = {
        c.pk: c
        for c in Call.objects.filter(pk__in=ids).select_related("city", "unit").prefetch_related(_caps_prefetch())
    }
    invited_calls = [pk for pk, c in calls.items() if c.call_type == CallType.INVITED]
    invited: dict[int, set[int]] = {pk: set() for pk in invited_calls}
    if invited_calls:
        through = Call.invited_organizations.through
        for row in through.objects.filter(call_id__in=invited_calls, organization_id=organization.pk):
            invited[row.call_id].add(row.organization_id)
    for m in matches:
        call = calls.get(int(m.challenge))
        if call is None:
            continue
        if not call_eligibility_for(call=call, organization=organization, invited_ids=invited.get(call.pk))[0]:
            continue
        rows.append(CallMatch(call, explain(m.explanation)))
        if len(rows) >= top:
            break
    evidence = track_record_evidence([organization.pk]).get(organization.pk, [])
    for r in rows:
        r.explanation.track_record = evidence
    return rows


# --------------------------------------------------------------------------------------------
# The directory search
# --------------------------------------------------------------------------------------------
def organization_ranking_for_query(q: str, *, limit: int = SEARCH_LIMIT) -> list[int] | None:
    """Organization ids in the engine's relevance order for a free-text query (the analysis of
    the matching pages: both languages, capabilities inferred from the words), or None when the
    engine cannot answer (no index of this database yet, an error): the caller then keeps its own
    text search. It never builds an index (one query when the engine is open and current)."""
    if not q.strip():
        return None
    try:
        engine = services.index_holder().engine_if_available()
        if engine is None or not len(engine):
            return None
        matches = engine.rank_for_capabilities([], text=q, top=limit, explain=False)  # the order only
    except Exception:  # the directory must never fail because of the index
        log.exception("matching: the engine could not rank the directory search %r", q)
        return None
    return [int(m.organization) for m in matches] or None
