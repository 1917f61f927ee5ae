"""Reads for needs, calls and notifications, scoped by city and permission.

Eligibility (who may apply to a call) lives in `hamafza.challenges.eligibility`.
Reading a call closes it first when its deadline has passed (the "check on read"; the periodic task
`challenges.close_due_calls` does the same for calls nobody reads).
"""

from __future__ import annotations

import datetime
import difflib
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import roles_of
from hamafza.challenges import eligible_calls
from hamafza.challenges.models import (
    Call,
    CallQuestion,
    CallResult,
    Canvas,
    CanvasVersion,
    Need,
    Notification,
)
from hamafza.challenges.similarity import CAPABILITY_WEIGHT, WORD_WEIGHT, keywords, similarity
from hamafza.core import hooks
from hamafza.core.formatting import digits
from hamafza.core.models import Capability
from hamafza.core.text import search_stems

MAX_QUERY_LENGTH = 200
SIMILAR_CANDIDATES = 400  # the newest needs sharing a capability or a rare word, pre-scored in SQL
SIMILAR_SHORTLIST = 40  # the best pre-scored candidates, scored again in Python with the reasons
SIMILAR_PROBE_WORDS = 24  # own words (the longest) counted by the SQL pre-score
SIMILAR_MIN_SCORE = 0.12


def result_links(*, call) -> list[dict]:
    """Links the apps above add under a call's public results (``hooks.call_result_links``)."""
    return [link for links in hooks.call_result_links.results(call) for link in links]


def _caps_prefetch():
    return Prefetch("capabilities", queryset=Capability.objects.only("id", "code", "name_fa", "name_en"))


def _text_filter(q: str) -> Q:
    condition = Q()
    for token in search_stems(q)[:12]:
        condition &= Q(search_text__contains=token)
    return condition


# --------------------------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------------------------
def need_get(*, city, pk: int, user, perm: str = "challenges.view_need") -> Need:
    """A need of `city` the user may see; 404 when it is not in this city, 403 without permission."""
    try:
        need = (
            Need.objects.select_related("city", "unit", "domain", "submitted_by", "merged_into")
            .prefetch_related(_caps_prefetch(), "attachments")
            .get(pk=pk, city=city)
        )
    except Need.DoesNotExist as exc:
        raise Http404("No such need") from exc
    if not user.has_perm(perm, need):
        raise PermissionDenied(perm)
    return need


def need_list_for_user(*, city, user) -> QuerySet[Need]:
    """The needs a unit staff member (or a citizen) works with in this city: those of their units
    and those they submitted."""
    unit_ids = [r.unit_id for r in roles_of(user) if r.role == CityRole.Role.UNIT_STAFF and r.city_id == city.pk]
    return (
        Need.objects.filter(Q(unit_id__in=unit_ids) | Q(submitted_by=user), city=city)
        .exclude(Q(status=Need.Status.DRAFT) & ~Q(submitted_by=user))
        .select_related("unit", "domain")
        .prefetch_related(_caps_prefetch())
        .order_by("-updated_at", "-pk")
    )


def reports_of_user(*, user) -> QuerySet[Need]:
    return (
        Need.objects.filter(submitted_by=user, source=Need.Source.CITIZEN)
        .select_related("city")
        .order_by("-updated_at", "-pk")
    )


INBOX_STATUSES = (Need.Status.MODERATION, Need.Status.SUBMITTED)


def need_inbox(
    *, city, status: str = "", source: str = "", unit=None, domain=None, urgency: str = "", q: str = ""
) -> QuerySet[Need]:
    """The triage inbox of a city: new needs and reports awaiting moderation by default."""
    qs = Need.objects.filter(city=city).exclude(status=Need.Status.DRAFT)
    qs = qs.filter(status=status) if status else qs.filter(status__in=INBOX_STATUSES)
    if source:
        qs = qs.filter(source=source)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if domain is not None:
        qs = qs.filter(domain=domain)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if q:
        qs = qs.filter(_text_filter(q))
    return (
        qs.select_related("unit", "domain", "submitted_by")
        .prefetch_related(_caps_prefetch())
        .annotate(n_attachments=Count("attachments", distinct=True))
        .order_by("-submitted_at", "-pk")
    )


@dataclass
class SimilarNeed:
    need: Need
    percent: int
    shared_words: list[str]
    shared_capabilities: list[Capability]
    same_city: bool


def need_similar(*, need: Need, limit: int = 8) -> list[SimilarNeed]:
    """Needs like this one, in this city and in other cities, with a score and the reasons (shared
    capabilities, shared normalised words).

    Three steps, so the work does not grow with the city (issue 19): the newest SIMILAR_CANDIDATES
    needs that share a capability or one of the rarest words; among them, a pre-score computed in
    the database (the share of this need's capabilities and of its longest words they contain, with
    the weights of ``similarity``) keeps the best SIMILAR_SHORTLIST; only those are read and scored
    in Python (Jaccard overlap of stemmed words and capabilities, with the reasons)."""
    own_words = keywords(f"{need.title} {need.description}")
    own_caps = {c.pk for c in need.capabilities.all()}
    # Candidates share a capability (an EXISTS, not a join that needs a DISTINCT) or one of the
    # longest words (the rarest) in their folded text. The newest come first: PostgreSQL walks the
    # primary key backwards and stops at SIMILAR_CANDIDATES matches (issue 19).
    condition = Q()
    links = Need.capabilities.through.objects.filter(need_id=OuterRef("pk"), capability_id__in=own_caps)
    if own_caps:
        condition = Q(Exists(links))
    by_length = sorted(own_words, key=lambda w: (-len(w), w))
    for word in by_length[:10]:
        condition |= Q(search_text__contains=word)
    if not condition:
        return []
    window = Need.objects.filter(condition).exclude(pk=need.pk).exclude(status=Need.Status.DRAFT).order_by("-pk")
    probes = by_length[:SIMILAR_PROBE_WORDS]
    pre_score = Value(0.0, output_field=FloatField())
    if probes:
        hits = [Case(When(search_text__contains=w, then=Value(1)), default=Value(0)) for w in probes]
        word_hits = hits[0]
        for hit in hits[1:]:
            word_hits = word_hits + hit
        pre_score = word_hits * Value(WORD_WEIGHT / len(probes), output_field=FloatField())
    if own_caps:
        shared = links.order_by().values("need_id").annotate(n=Count("pk")).values("n")
        cap_hits = Coalesce(Subquery(shared, output_field=IntegerField()), 0)
        pre_score = pre_score + cap_hits * Value(CAPABILITY_WEIGHT / len(own_caps), output_field=FloatField())
    # The candidates are pre-scored as the window reads them (one pass, each row read once; the
    # best SIMILAR_SHORTLIST kept here, in the order ORDER BY pre_score DESC, pk DESC gave).
    scored = window.annotate(pre_score=pre_score).values_list("pk", "pre_score")[:SIMILAR_CANDIDATES]
    shortlist = [pk for pk, _score in sorted(scored, key=lambda row: (-row[1], -row[0]))[:SIMILAR_SHORTLIST]]
    candidates = (
        Need.objects.filter(pk__in=shortlist)
        .only("id", "title", "search_text", "status", "city", "unit")
        .select_related("city", "unit")
        .prefetch_related(_caps_prefetch())
    )
    results = []
    for other in candidates:
        other_caps = {c.pk: c for c in other.capabilities.all()}
        # search_text is fold(title + description): the same words, without folding 400 texts again
        sim = similarity(own_words, own_caps, keywords(other.search_text, folded=True), set(other_caps))
        if sim.score < SIMILAR_MIN_SCORE:
            continue
        results.append(
            SimilarNeed(
                need=other,
                percent=sim.percent,
                shared_words=sim.shared_words[:12],
                shared_capabilities=[other_caps[i] for i in sim.shared_capability_ids],
                same_city=other.city_id == need.city_id,
            )
        )
    results.sort(key=lambda r: (-r.percent, not r.same_city, -r.need.pk))
    return results[:limit]


def need_merge_targets(*, need: Need) -> QuerySet[Need]:
    return (
        Need.objects.filter(city=need.city, status__in=(Need.Status.SUBMITTED, Need.Status.ACCEPTED))
        .exclude(pk=need.pk)
        .order_by("-submitted_at")
    )


# --------------------------------------------------------------------------------------------
# Calls
# --------------------------------------------------------------------------------------------
def _call_qs() -> QuerySet[Call]:
    return Call.objects.select_related("city", "unit", "domain").prefetch_related(_caps_prefetch())


def call_get(*, pk: int, user, city=None, perm: str = "challenges.view_call") -> Call:
    """A call the user may see (404 otherwise, so unpublished calls do not leak), in its effective
    state: a published call past its deadline is returned closed (in memory; reading never writes,
    the closing is written by the periodic task or the next step taken on the call)."""
    qs = _call_qs().select_related("canvas", "canvas__pilot_unit")
    if city is not None:
        qs = qs.filter(city=city)
    try:
        call = qs.get(pk=pk)
    except Call.DoesNotExist as exc:
        raise Http404("No such call") from exc
    call_as_of(call)
    if not user.has_perm(perm, call):
        if perm != "challenges.view_call" and user.has_perm("challenges.view_call", call):
            raise PermissionDenied(perm)
        raise Http404("No such call")
    return call


def call_as_of(call: Call, now: datetime.datetime | None = None) -> Call:
    """The call in its effective state (``Call.effective_state``): a due call reads as closed at its
    deadline. Only the instance in memory changes; services re-read the row under a lock."""
    if call.is_due(now):
        call.state, call.closed_at = Call.State.CLOSED, call.closes_at
    return call


def _call_search_filter(q: str) -> Q:
    """Calls whose folded text or capabilities contain every word of `q`, or that need a capability
    the matching engine's analysis infers from `q` (``hooks.query_capabilities``) — so an English
    query finds a Persian call about the same capability and the reverse."""
    through = Call.capabilities.through
    words_match = Q()
    for token in search_stems(q)[:12]:
        cap_ids = Capability.objects.filter(search_text__contains=token).values("pk")
        with_cap = through.objects.filter(capability__in=cap_ids).values("call_id")
        words_match &= Q(search_text__contains=token) | Q(pk__in=with_cap)
    inferred = sorted({code for codes in hooks.query_capabilities.results(q) for code in codes})
    if not inferred:
        return words_match
    with_inferred = through.objects.filter(capability__code__in=inferred).values("call_id")
    return words_match | Q(pk__in=with_inferred)


def call_list_public(
    *,
    status: str = "open",
    city=None,
    domain=None,
    capability=None,
    closes_before: datetime.date | None = None,
    q: str = "",
    open_to_organizations=None,
    now: datetime.datetime | None = None,
) -> QuerySet[Call]:
    """Published calls across cities. `status`: "open" (published, deadline not passed, including
    those opening later), "closed" (closed or in evaluation), "results" (results published), "all"
    (every public call, as the API lists them). `open_to_organizations` (ids): only the calls open
    now that one of these organizations may apply to (``eligible_calls.open_to``)."""
    now = now or timezone.now()
    if open_to_organizations is not None:
        # Open now: every one is in the "open" and "all" lists, none in "closed" and "results". Said
        # once (not also the status's own states), so the planner reads one window of
        # call_state_closes in either order.
        qs = Call.objects.all() if status in ("open", "all") else Call.objects.none()
        qs = eligible_calls.open_to(qs, organization_ids=open_to_organizations, now=now)
    elif status == "all":
        qs = Call.objects.filter(state__in=Call.PUBLIC_STATES)
    elif status == "closed":
        qs = Call.objects.filter(
            Q(state__in=(Call.State.CLOSED, Call.State.IN_EVALUATION))
            | Q(state=Call.State.PUBLISHED, closes_at__lte=now)
        )
    elif status == "results":
        qs = Call.objects.filter(state=Call.State.RESULTS_PUBLISHED)
    else:
        qs = Call.objects.filter(state=Call.State.PUBLISHED, closes_at__gt=now)
    # A pitch jury's call is in evaluation but never public (ADR 0030).
    qs = qs.filter(judging_only=False)
    if city is not None:
        qs = qs.filter(city=city)
    if domain is not None:
        qs = qs.filter(domain=domain)
    if capability is not None:
        qs = qs.filter(capabilities=capability)
    if closes_before is not None:
        end = datetime.datetime.combine(
            closes_before, datetime.time(23, 59, 59), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
        )
        qs = qs.filter(closes_at__lte=end)
    if q:
        qs = qs.filter(_call_search_filter(q))
    order = ["closes_at", "pk"] if status == "open" else ["-closes_at", "-pk"]
    return qs.select_related("city", "unit", "domain").prefetch_related(_caps_prefetch()).order_by(*order)


def city_call_list(*, city, user) -> QuerySet[Call]:
    """The calls of a city that this user works on: all of them for the city's manager (and
    platform admins), those of their units for unit staff, those assigned to a facilitator. A pitch
    jury's call is not one of them: it is managed from its event (ADR 0030)."""
    qs = _call_qs().filter(city=city, judging_only=False)
    if user.has_perm("challenges.view_triage", city):
        pass
    else:
        unit_ids = [r.unit_id for r in roles_of(user) if r.role == CityRole.Role.UNIT_STAFF and r.city_id == city.pk]
        qs = qs.filter(Q(unit_id__in=unit_ids) | Q(facilitators=user)).distinct()
    return qs.order_by("-updated_at", "-pk")


def city_call_counts(calls: QuerySet[Call]) -> dict[str, int]:
    """{state: number of calls} of a city's calls (an index-only scan of (city, state))."""
    return dict(calls.order_by().values_list("state").annotate(n=Count("pk", distinct=True)))


def city_calls_by_state(calls: QuerySet[Call], *, states: list[str], per_state: int) -> dict[str, list[Call]]:
    """{state: its `per_state` most recent calls} for the given states of a city's calls.

    The ids come from one ``UNION ALL`` of a ``LIMIT`` per state (each a range scan of the
    (city, state, -updated_at, -id) index; SQLite, which cannot limit the parts of a union, asks
    one query per state), then the calls by id with their relations: three queries however many
    states, where one query and one prefetch per state made the page wait on the database ~16
    times (issue 19: 23 queries, ~25 ms each under load, for 0.1 ms of SQL each)."""
    if not states:
        return {}
    parts = [calls.filter(state=state).values_list("pk", flat=True)[:per_state] for state in states]
    if connection.features.supports_slicing_ordering_in_compound:
        ids = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    else:
        ids = [pk for part in parts for pk in part]
    groups: dict[str, list[Call]] = {}
    for call in calls.filter(pk__in=ids):
        groups.setdefault(call.state, []).append(call)
    return groups


def facilitator_calls(*, user) -> QuerySet[Call]:
    return _call_qs().filter(facilitators=user).order_by("-updated_at")


def facilitator_candidates(*, city):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(city_roles__city=city, city_roles__role=CityRole.Role.FACILITATOR, is_active=True)
        .distinct()
        .order_by("email")
    )


def call_is_followed(*, call: Call, user) -> bool:
    return user.is_authenticated and call.follows.filter(user=user).exists()


def call_questions_public(*, call: Call) -> QuerySet[CallQuestion]:
    """Published questions with their answers; the asker is not part of the public data."""
    return (
        call.questions.filter(is_published=True)
        .exclude(answer="")
        .only("id", "call_id", "question", "answer", "answered_at", "created_at")
    )


def call_questions_all(*, call: Call) -> QuerySet[CallQuestion]:
    return call.questions.select_related("asked_by", "organization").order_by("answered_at", "created_at")


def call_transitions(*, call: Call):
    return call.transitions.select_related("by").order_by("at", "pk")


# --------------------------------------------------------------------------------------------
# Canvas history
# --------------------------------------------------------------------------------------------
CANVAS_LABELS = {
    "title": pgettext_lazy("heading", "Title"),
    "description": pgettext_lazy("label", "Summary"),
    "domain": pgettext_lazy("label", "Domain"),
    "capabilities": pgettext_lazy("label", "Capabilities"),
    "background": pgettext_lazy("label", "Background"),
    "affected": _("Who is affected"),
    "kpi_name": _("Key performance indicator (KPI)"),
    "kpi_unit": _("KPI unit of measure"),
    "baseline_value": pgettext_lazy("label", "Baseline value"),
    "target_value": pgettext_lazy("label", "Target value"),
    "target_date": pgettext_lazy("label", "Target date"),
    "constraints_text": pgettext_lazy("label", "Constraints"),
    "budget_min_rial": _("Minimum budget (Rial)"),
    "budget_max_rial": _("Maximum budget (Rial)"),
    "timeline": pgettext_lazy("label", "Timeline"),
    "available_data": pgettext_lazy("label", "Available data"),
    "pilot_unit": pgettext_lazy("label", "Pilot site"),
    "criteria": pgettext_lazy("label", "Evaluation criteria"),
}


def canvas_versions(*, canvas: Canvas) -> QuerySet[CanvasVersion]:
    return canvas.versions.select_related("author").order_by("-number")


def canvas_version_get(*, canvas: Canvas, number: int) -> CanvasVersion:
    try:
        return canvas.versions.get(number=number)
    except CanvasVersion.DoesNotExist as exc:
        raise Http404("No such version") from exc


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) segments: op is "same", "del" or "ins"; split on whitespace, keeping newlines."""
    a, b = old.replace("\n", " \n ").split(" "), new.replace("\n", " \n ").split(" ")
    segments = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(("same", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(("del", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("ins", " ".join(b[j1:j2])))
    return [(op, text.replace(" \n ", "\n")) for op, text in segments if text]


def canvas_diff(*, old: CanvasVersion, new: CanvasVersion) -> list[dict]:
    """The fields that differ between two versions, each with word-level segments."""
    changes = []
    for key, label in CANVAS_LABELS.items():
        a, b = str(old.data.get(key, "") or ""), str(new.data.get(key, "") or "")
        if a != b:
            changes.append({"key": key, "label": label, "segments": _word_diff(a, b)})
    return changes


# --------------------------------------------------------------------------------------------
# Notifications
# --------------------------------------------------------------------------------------------
def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --------------------------------------------------------------------------------------------
# What the challenges app contributes to lower apps (registered in apps.py)
# --------------------------------------------------------------------------------------------
def awarded_results_per_organization(ids: list[int] | None = None) -> dict[int, int]:
    """``hooks.track_records``: awarded call results per organization."""
    qs = CallResult.objects.filter(outcome=CallResult.Outcome.AWARDED, organization__isnull=False)
    if ids is not None:
        qs = qs.filter(organization_id__in=ids)
    return dict(qs.values("organization_id").annotate(n=Count("id")).values_list("organization_id", "n"))


def calls_navigation(request, flags) -> list[dict]:
    """The public list of calls (navigation order 40)."""
    return [{"label": pgettext_lazy("menu", "Challenges"), "url": reverse("challenges:call_list")}]


def workflow_navigation(request, flags) -> list[dict]:
    """Entries of the challenges workflow (navigation order 70): triage for managers, needs for unit
    staff, calls for facilitators, reports and notifications for everyone signed in."""
    user = request.user
    if not user.is_authenticated:
        return []
    items, seen = [], set()
    entries = {
        "innovation_manager": (pgettext_lazy("text", "Triage inbox"), "challenges:triage_inbox"),
        "unit_staff": (pgettext_lazy("text", "My needs"), "challenges:need_list"),
        "facilitator": (_("Calls to define"), "challenges:city_calls"),
    }
    roles = roles_of(user)
    several_cities = len({r.city_id for r in roles}) > 1
    for role in roles:
        slug = role.city.slug
        entry = entries.get(role.role)
        if entry and (slug, entry[1]) not in seen:
            seen.add((slug, entry[1]))
            label = f"{entry[0]} · {role.city.name}" if several_cities else entry[0]
            items.append({"label": label, "url": reverse(entry[1], args=[slug]), "group": "work"})
    items.append({"label": _("Report a problem"), "url": reverse("challenges:report_problem"), "group": "work"})
    unread = notification_unread_count(user=user)
    label = (
        pgettext_lazy("field label", "Notifications")
        if not unread
        else f"{pgettext_lazy('text', 'Notifications')} ({digits(unread)})"
    )
    items.append({"label": label, "url": reverse("challenges:notifications")})
    return items
