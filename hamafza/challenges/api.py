"""API v1: needs, calls (the public "challenges"), problem-definition canvases, questions and
answers, results.

A thin skin over the challenges app: every read goes through `challenges.selectors` (which ask the
`challenges.*` rules permissions, as the pages do), every write through one `challenges.services`
function (which asks them again). Nothing here decides who may do what.

- Needs belong to a city: `/cities/{slug}/needs/{need_id}`. A need the caller may not see is a 404
  (its existence is confidential); one they may see but not change is a 403.
- Calls are public from publication on: `/calls`, `/calls/{call_id}`. A call still in problem
  definition is a 404 for everyone but the people who work on it.
- A refused step of a state machine (need triage, call transitions) is a 409 `transition_refused`
  problem listing the reasons; a canvas saved by someone else since the caller's version is a 409
  `conflict` problem carrying the current version and content.
"""

from __future__ import annotations

import datetime
import decimal
import zoneinfo
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Schema, Status

from hamafza.challenges import selectors, services
from hamafza.challenges.completeness import canvas_completeness
from hamafza.challenges.models import Call, CallQuestion, CallResult, CallType, Canvas, Need, Urgency
from hamafza.core import selectors as core_selectors
from hamafza.core.apiutils import (
    PROBLEM_CONTENT_TYPE,
    PUBLIC,
    ApiError,
    ApiRouter,
    InputSchema,
    ListQuery,
    ensure_perm,
    invalid_parameters,
    order,
    ordering_param,
    page_of,
    paginate,
    problem_response,
)
from hamafza.core.models import Capability, Domain
from hamafza.core.provinces import PROVINCES
from hamafza.core.text import normalize
from hamafza.directory.models import Organization, OrganizationKind
from hamafza.directory.selectors import organizations_of_user

router = ApiRouter(tags=["needs and challenges"])

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"  # PostgreSQL cannot store NUL characters: refuse them as invalid input

NeedStatus = Literal[tuple(Need.Status.values)]  # type: ignore[valid-type]
NeedSource = Literal[tuple(Need.Source.values)]  # type: ignore[valid-type]
UrgencyCode = Literal[tuple(Urgency.values)]  # type: ignore[valid-type]
CallState = Literal[tuple(Call.State.values)]  # type: ignore[valid-type]
PublicCallState = Literal[tuple(str(s) for s in Call.PUBLIC_STATES)]  # type: ignore[valid-type]
CallTypeCode = Literal[tuple(CallType.values)]  # type: ignore[valid-type]
Province = Literal[tuple(code for code, _label in PROVINCES)]  # type: ignore[valid-type]
OrgKind = Literal[tuple(OrganizationKind.values)]  # type: ignore[valid-type]
Outcome = Literal[tuple(CallResult.Outcome.values)]  # type: ignore[valid-type]


def _id(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _problem_doc(description: str, schema: dict | None = None) -> dict:
    """openapi_extra documenting a 409 problem of an operation."""
    schema = schema or {"$ref": "#/components/schemas/Problem"}
    return {"responses": {409: {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": schema}}}}}


REFUSED_DOC = _problem_doc("The state machine refuses this step now (`transition_refused`); `errors` say why.")


def _invalid(name: str, message: str) -> ApiError:
    return invalid_parameters([{"name": name, "message": message}])


def _refused(exc: services.TransitionRefused) -> ApiError:
    return ApiError(
        409,
        "transition_refused",
        "; ".join(exc.reasons) or _("This step is not allowed now."),
        errors=[{"name": "state", "message": reason} for reason in exc.reasons],
    )


# --------------------------------------------------------------------------------------------
# Looking up the public ids (slugs and codes) of referenced objects
# --------------------------------------------------------------------------------------------
def _city(slug: str):
    if "\x00" in slug:
        raise Http404
    return core_selectors.city_get(slug=slug)


def _domain(code: str | None, name: str):
    if code is None:
        return None
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise _invalid(name, _("Unknown domain code: %(code)s") % {"code": code})
    return domain


def _capabilities(codes: list[str] | None, name: str):
    if codes is None:
        return None
    codes = list(dict.fromkeys(codes))
    found = {c.code: c for c in Capability.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise invalid_parameters(
            [{"name": name, "message": _("Unknown capability code: %(code)s") % {"code": c}} for c in unknown]
        )
    return [found[code] for code in codes]


def _unit(city, slug: str | None, name: str):
    if slug is None:
        return None
    unit = core_selectors.unit_list(city=city).filter(slug=slug).first()
    if unit is None:
        raise _invalid(name, _("No unit of this city has the id %(slug)s.") % {"slug": slug})
    return unit


def _organizations(slugs: list[str], name: str) -> list[Organization]:
    slugs = list(dict.fromkeys(slugs))
    found = {o.slug: o for o in Organization.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise invalid_parameters(
            [{"name": name, "message": _("Unknown organization: %(slug)s") % {"slug": s}} for s in unknown]
        )
    return [found[s] for s in slugs]


def _tehran_day(day: datetime.date, end: bool = False) -> datetime.datetime:
    at = datetime.time(23, 59, 59) if end else datetime.time(0, 0)
    return datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without an offset is Tehran time, as on the pages."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zoneinfo.ZoneInfo(settings.TIME_ZONE))


# --------------------------------------------------------------------------------------------
# Needs
# --------------------------------------------------------------------------------------------
class NeedOut(Schema):
    id: int
    city: str = Field(description="The city's slug.")
    unit: str | None = Field(description="The owning unit's slug (none for a citizen's report).")
    source: NeedSource
    status: NeedStatus
    title: str
    description: str
    domain: str | None = Field(description="A domain code.")
    capabilities: list[str] = Field(description="Capability codes.")
    urgency: UrgencyCode
    affected_people: int | None
    location: str
    submitted_at: datetime.datetime | None
    rejection_reason: str
    merged_into: int | None = Field(description="The need this one was merged into.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_city(obj: Need) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_unit(obj: Need) -> str | None:
        return obj.unit.slug if obj.unit_id else None

    @staticmethod
    def resolve_domain(obj: Need) -> str | None:
        return obj.domain.code if obj.domain_id else None

    @staticmethod
    def resolve_capabilities(obj: Need) -> list[str]:
        return sorted(c.code for c in obj.capabilities.all())

    @staticmethod
    def resolve_merged_into(obj: Need) -> int | None:
        return obj.merged_into_id


class NeedRef(Schema):
    id: int
    city: str


class NeedDetailOut(NeedOut):
    related: list[NeedRef] = Field(description="Linked needs (possibly of other cities).")
    calls: list[int] = Field(description="The calls created from this need.")
    can_change: bool = Field(description="Whether you may still edit and submit it (a draft of yours).")
    can_triage: bool = Field(description="Whether you may triage it (the city's innovation manager).")

    @staticmethod
    def resolve_related(obj: Need) -> list[dict]:
        return [{"id": n.pk, "city": n.city.slug} for n in obj.related.select_related("city").order_by("pk")]

    @staticmethod
    def resolve_calls(obj: Need) -> list[int]:
        return sorted(c.pk for c in obj.calls.all())

    @staticmethod
    def resolve_can_change(obj: Need, context) -> bool:
        return context["request"].user.has_perm("challenges.change_need", obj)

    @staticmethod
    def resolve_can_triage(obj: Need, context) -> bool:
        return context["request"].user.has_perm("challenges.triage_need", obj)


class NeedFilters(ListQuery):
    status: NeedStatus | None = Field(
        None, description="For the city's innovation manager, without it: new needs and reports awaiting moderation."
    )
    source: NeedSource | None = None
    urgency: UrgencyCode | None = None
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A unit's slug.")
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A domain code.")
    ordering: ordering_param("submitted_at", "created_at", "updated_at", "title") | None = None


class NeedIn(InputSchema):
    """A new need, saved as a draft (nothing is required yet) unless `submit` is true."""

    source: NeedSource = Field(
        Need.Source.UNIT,
        description="`unit`: a unit's need (unit staff of the city). `citizen`: a citizen's report (anyone "
        "signed in), moderated before triage.",
    )
    title: str = Field("", max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=20_000, pattern=NO_NUL)
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="One of your units (a slug).")
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A domain code.")
    capabilities: list[str] = Field([], max_length=100, description="Capability codes.")
    urgency: UrgencyCode = Urgency.MEDIUM
    affected_people: int | None = Field(None, ge=0, le=10**9)
    location: str = Field("", max_length=200, pattern=NO_NUL)
    submit: bool = Field(False, description="Submit at once (title and description then required).")


class NeedPatch(InputSchema):
    """Only the fields sent change; only drafts can change."""

    title: str | None = Field(None, max_length=200, pattern=NO_NUL)
    description: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL)
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL)
    capabilities: list[str] | None = Field(None, max_length=100)
    urgency: UrgencyCode | None = None
    affected_people: int | None = Field(None, ge=0, le=10**9)
    location: str | None = Field(None, max_length=200, pattern=NO_NUL)


class RejectIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000, pattern=NO_NUL, description="The submitter reads it.")


class LinkIn(InputSchema):
    other: int = Field(ge=1, le=MAX_ID, description="The id of a submitted need, of any city.")


class MergeIn(InputSchema):
    into: int = Field(ge=1, le=MAX_ID, description="The id of a submitted or accepted need of the same city.")


def _need(request, slug: str, need_id: int, perm: str | None = None) -> Need:
    """The need as `challenges.view_need` allows (404 otherwise), then `perm` (403)."""
    city = _city(slug)
    try:
        need = selectors.need_get(city=city, pk=need_id, user=request.user)
    except PermissionDenied as exc:
        raise Http404 from exc
    if perm:
        ensure_perm(request, perm, need)
    return need


def _need_detail(request, need: Need) -> Need:
    """The need as saved, read again through the selector (as the detail page reads it)."""
    return selectors.need_get(city=need.city, pk=need.pk, user=request.user)


def _need_fields(city, payload: dict, *, prefix: str = "body") -> tuple[dict, list | None]:
    """Service arguments from a NeedIn/NeedPatch dump (public ids resolved)."""
    fields = {}
    for name in ("title", "description", "location"):
        if name in payload:
            fields[name] = (payload[name] or "").strip()
    if "urgency" in payload:
        fields["urgency"] = payload["urgency"] or Urgency.MEDIUM
    if "affected_people" in payload:
        fields["affected_people"] = payload["affected_people"]
    if "unit" in payload:
        fields["unit"] = _unit(city, payload["unit"], f"{prefix}.unit")
    if "domain" in payload:
        fields["domain"] = _domain(payload["domain"], f"{prefix}.domain")
    capabilities = None
    if "capabilities" in payload:
        capabilities = _capabilities(payload["capabilities"] or [], f"{prefix}.capabilities")
    return fields, capabilities


@router.get(
    "/cities/{slug}/needs",
    response=page_of(NeedOut),
    summary="Needs of a city",
    description="What you may see, as on the pages: the triage inbox for the city's innovation manager (and "
    "platform admins), the needs of your units for unit staff, your own drafts and reports for everyone.",
)
def need_list(request, slug: str, filters: Query[NeedFilters]):
    city = _city(slug)
    unit = _unit(city, filters.unit, "query.unit")
    domain = _domain(filters.domain, "query.domain")
    if request.user.has_perm("challenges.view_triage", city) or request.user.is_superuser:
        # the same choice as selectors.city_call_list: the city's manager (and admins) see the inbox
        qs = selectors.need_inbox(
            city=city,
            status=filters.status or "",
            source=filters.source or "",
            unit=unit,
            domain=domain,
            urgency=filters.urgency or "",
        )
    else:
        qs = selectors.need_list_for_user(city=city, user=request.user)
        for name, value in (
            ("status", filters.status),
            ("source", filters.source),
            ("urgency", filters.urgency),
            ("unit", unit),
            ("domain", domain),
        ):
            if value:
                qs = qs.filter(**{name: value})
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    page = paginate(qs, filters)
    for need in page["items"]:
        need.city = city  # every need of the page is of this city: no query per row
    return page


@router.post(
    "/cities/{slug}/needs",
    response={201: NeedDetailOut},
    summary="Write a need or report a problem",
    description="Unit staff write needs for their own units; anyone signed in may report a problem "
    "(`source: citizen`), which goes to the city's moderation queue when submitted.",
)
def need_create(request, slug: str, payload: NeedIn):
    city = _city(slug)
    data = payload.model_dump()
    source, submit = data.pop("source"), data.pop("submit")
    if source == Need.Source.CITIZEN and data["unit"] is not None:
        raise _invalid("body.unit", _("A citizen's report has no unit; the city assigns it."))
    fields, capabilities = _need_fields(city, data)
    if source == Need.Source.CITIZEN:
        fields.pop("unit", None)
    with transaction.atomic():  # a refused submission leaves no draft behind
        need = services.need_save_draft(by=request.user, city=city, source=source, capabilities=capabilities, **fields)
        if submit:
            need = services.need_submit(need=need, by=request.user)
    return Status(201, _need_detail(request, need))


@router.get("/cities/{slug}/needs/{need_id}", response=NeedDetailOut, summary="One need")
def need_detail(request, slug: str, need_id: int = _id("The need's id.")):
    return _need(request, slug, need_id)


@router.patch(
    "/cities/{slug}/needs/{need_id}",
    response=NeedDetailOut,
    summary="Edit a draft need",
    description="Its submitter or staff of its unit, while it is a draft.",
)
def need_update(request, slug: str, payload: NeedPatch, need_id: int = _id("The need's id.")):
    need = _need(request, slug, need_id, "challenges.change_need")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n in ("title", "description", "location", "urgency", "capabilities") if n in changes]
    nulls = [n for n in nulls if changes[n] is None]
    if nulls:
        raise ApiError(
            400,
            "invalid_parameters",
            _("These parameters are invalid: %(names)s.") % {"names": ", ".join(f"body.{n}" for n in nulls)},
            errors=[{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls],
        )
    if need.source == Need.Source.CITIZEN and "unit" in changes:
        raise _invalid("body.unit", _("A citizen's report has no unit; the city assigns it."))
    fields, capabilities = _need_fields(need.city, changes)
    need = services.need_save_draft(by=request.user, need=need, capabilities=capabilities, **fields)
    return _need_detail(request, need)


@router.post(
    "/cities/{slug}/needs/{need_id}/submit",
    response=NeedDetailOut,
    summary="Submit a draft need",
    description="A unit's need goes to the city's triage inbox, a citizen's report to moderation.",
)
def need_submit(request, slug: str, need_id: int = _id("The need's id.")):
    need = _need(request, slug, need_id, "challenges.change_need")
    return _need_detail(request, services.need_submit(need=need, by=request.user))


def _triage(request, slug, need_id, action):
    need = _need(request, slug, need_id, "challenges.triage_need")
    try:
        return action(need)
    except services.TransitionRefused as exc:
        raise _refused(exc) from exc


@router.post(
    "/cities/{slug}/needs/{need_id}/approve",
    response=NeedDetailOut,
    summary="Approve a citizen's report (moderation)",
    description="The city's innovation manager: the report goes to the triage inbox.",
    openapi_extra=REFUSED_DOC,
)
def need_approve(request, slug: str, need_id: int = _id("The need's id.")):
    need = _triage(request, slug, need_id, lambda need: services.need_approve_report(need=need, by=request.user))
    return _need_detail(request, need)


@router.post(
    "/cities/{slug}/needs/{need_id}/reject",
    response=NeedDetailOut,
    summary="Reject a need with a reason",
    description="The city's innovation manager; the submitter is told the reason.",
    openapi_extra=REFUSED_DOC,
)
def need_reject(request, slug: str, payload: RejectIn, need_id: int = _id("The need's id.")):
    need = _triage(
        request, slug, need_id, lambda need: services.need_reject(need=need, by=request.user, reason=payload.reason)
    )
    return _need_detail(request, need)


@router.post(
    "/cities/{slug}/needs/{need_id}/link",
    response=NeedDetailOut,
    summary="Link a need to a related one",
    description="The city's innovation manager; the other need may be of another city. Both stay open.",
)
def need_link(request, slug: str, payload: LinkIn, need_id: int = _id("The need's id.")):
    def link(need):
        other = Need.objects.exclude(status=Need.Status.DRAFT).filter(pk=payload.other).first()
        if other is None:
            raise _invalid("body.other", _("Choose another, submitted need."))
        return services.need_link(need=need, other=other, by=request.user)

    return _need_detail(request, _triage(request, slug, need_id, link))


@router.post(
    "/cities/{slug}/needs/{need_id}/merge",
    response=NeedDetailOut,
    summary="Merge a duplicate into another need",
    description="The city's innovation manager; the target is a submitted or accepted need of the same city.",
    openapi_extra=REFUSED_DOC,
)
def need_merge(request, slug: str, payload: MergeIn, need_id: int = _id("The need's id.")):
    def merge(need):
        into = selectors.need_merge_targets(need=need).filter(pk=payload.into).first()
        if into is None:
            raise _invalid("body.into", _("Choose another need of the same city."))
        return services.need_merge(need=need, into=into, by=request.user)

    return _need_detail(request, _triage(request, slug, need_id, merge))


# --------------------------------------------------------------------------------------------
# Calls
# --------------------------------------------------------------------------------------------
class CallOut(Schema):
    id: int
    title: str
    description: str
    city: str = Field(description="The city's slug.")
    unit: str = Field(description="The problem owner unit's slug.")
    domain: str | None = Field(description="A domain code.")
    capabilities: list[str] = Field(description="Capability codes.")
    call_type: CallTypeCode
    state: CallState
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    published_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    results_published_at: datetime.datetime | None
    is_open: bool = Field(description="Published, opened and before its deadline: questions and proposals accepted.")

    @staticmethod
    def resolve_city(obj: Call) -> str:
        return obj.city.slug

    @staticmethod
    def resolve_unit(obj: Call) -> str:
        return obj.unit.slug

    @staticmethod
    def resolve_domain(obj: Call) -> str | None:
        return obj.domain.code if obj.domain_id else None

    @staticmethod
    def resolve_capabilities(obj: Call) -> list[str]:
        return sorted(c.code for c in obj.capabilities.all())

    @staticmethod
    def resolve_is_open(obj: Call) -> bool:
        return obj.is_open()


class Criterion(Schema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    weight: int = Field(ge=0, le=100, description="Percent; the weights of a canvas sum to 100.")


class PublicCanvasOut(Schema):
    """The canvas as shown on the call's public page."""

    background: str
    affected: str
    kpi_name: str
    kpi_unit: str
    baseline_value: decimal.Decimal | None
    target_value: decimal.Decimal | None
    target_date: datetime.date | None
    constraints_text: str
    budget_min_rial: int | None
    budget_max_rial: int | None
    timeline: str
    available_data: str
    pilot_unit: str | None = Field(description="The pilot site's unit slug.")

    @staticmethod
    def resolve_pilot_unit(obj: Canvas) -> str | None:
        return obj.pilot_unit.slug if obj.pilot_unit_id else None


class CallDetailOut(CallOut):
    allowed_provinces: list[str] = Field(description="Province codes; empty: any.")
    allowed_kinds: list[str] = Field(description="Organization kinds; empty: any.")
    knowledge_based_required: bool
    cancel_reason: str
    criteria: list[Criterion] = Field(description="Weighted evaluation criteria.")
    canvas: PublicCanvasOut
    following: bool = Field(description="Whether you follow this call.")

    @staticmethod
    def resolve_following(obj: Call, context) -> bool:
        return selectors.call_is_followed(call=obj, user=context["request"].user)


class CallFilters(ListQuery):
    status: Literal["open", "closed", "results"] | None = Field(
        None,
        description="As on the public page: `open` (published, deadline not passed), `closed` (closed, in "
        "evaluation, or past its deadline), `results` (results published). Without it: every public call.",
    )
    state: PublicCallState | None = None
    city: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A city's slug.")
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A domain code.")
    capability: str | None = Field(None, max_length=80, pattern=NO_NUL, description="A capability code.")
    call_type: CallTypeCode | None = None
    closes_before: datetime.date | None = Field(None, description="Closing on or before this day (Tehran).")
    closes_after: datetime.date | None = Field(None, description="Closing on or after this day (Tehran).")
    open_to: str | None = Field(
        None,
        max_length=200,
        pattern=NO_NUL,
        description="The slug of one of your organizations: only open calls it may apply to.",
    )
    q: str | None = Field(None, max_length=selectors.MAX_QUERY_LENGTH, pattern=NO_NUL, description="Words to find.")
    ordering: ordering_param("closes_at", "opens_at", "published_at", "created_at", "title") | None = None


class CityCallFilters(ListQuery):
    state: CallState | None = None
    ordering: ordering_param("updated_at", "created_at", "closes_at", "title") | None = None


class CallIn(InputSchema):
    city: str = Field(max_length=60, pattern=NO_NUL, description="The city's slug.")
    unit: str = Field(max_length=60, pattern=NO_NUL, description="The problem owner unit's slug.")
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=20_000, pattern=NO_NUL)
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL)
    capabilities: list[str] = Field([], max_length=100)


class CallSettingsOut(Schema):
    call_type: CallTypeCode
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    allowed_provinces: list[str]
    allowed_kinds: list[str]
    knowledge_based_required: bool
    invited_organizations: list[str] = Field(description="Organization slugs.")

    @staticmethod
    def resolve_invited_organizations(obj: Call) -> list[str]:
        return sorted(o.slug for o in obj.invited_organizations.all())


class CallSettingsPatch(InputSchema):
    """Only the fields sent change. Times without an offset are Tehran time."""

    call_type: CallTypeCode | None = None
    opens_at: datetime.datetime | None = Field(None, description="Empty: on publication.")
    closes_at: datetime.datetime | None = None
    allowed_provinces: list[Province] | None = Field(None, max_length=40)
    allowed_kinds: list[OrgKind] | None = Field(None, max_length=20)
    knowledge_based_required: bool | None = None
    invited_organizations: list[str] | None = Field(None, max_length=500, description="Organization slugs.")


class TransitionIn(InputSchema):
    to: CallState
    note: str = Field("", max_length=5000, pattern=NO_NUL, description="Required when cancelling (public).")


class TransitionOut(Schema):
    from_state: str = Field(description="Empty for the creation.")
    to_state: CallState
    note: str
    at: datetime.datetime


class TransitionsOut(Schema):
    state: CallState
    allowed: list[CallState] = Field(description="The states you may try to move the call to now.")
    history: list[TransitionOut]


class EligibilityFilters(Schema):
    organization: str = Field(max_length=200, pattern=NO_NUL, description="The organization's slug.")


class EligibilityOut(Schema):
    organization: str
    eligible: bool
    reasons: list[str] = Field(description="Why not, translated.")


class FollowOut(Schema):
    following: bool


def _call(request, call_id: int, perm: str = "challenges.view_call") -> Call:
    """The call as the rules allow: 404 when it is not visible to you, 403 when visible but `perm`
    is refused (selectors.call_get)."""
    return selectors.call_get(pk=call_id, user=request.user, perm=perm)


def _call_detail(request, call: Call) -> Call:
    """The call as saved, read again through the selector (as its page reads it)."""
    return selectors.call_get(pk=call.pk, user=request.user)


@router.post(
    "/cities/{slug}/needs/{need_id}/accept",
    response={201: CallDetailOut},
    summary="Accept a need into problem definition",
    description="The city's innovation manager. A call is created from the need, in problem definition, "
    "with its canvas started from the need; the answer is that call.",
    openapi_extra=REFUSED_DOC,
)
def need_accept(request, slug: str, need_id: int = _id("The need's id.")):
    call = _triage(request, slug, need_id, lambda need: services.need_accept(need=need, by=request.user))
    return Status(201, _call_detail(request, call))


@router.get(
    "/calls",
    response=page_of(CallOut),
    auth=PUBLIC,
    summary="Search the public calls",
    description="Published, closed, in evaluation and with published results, across cities.",
)
def call_list(request, filters: Query[CallFilters]):
    only_ids = None
    if filters.open_to:
        if not request.user.is_authenticated:
            raise ApiError(401, "authentication_required", _("Sign in to filter by your organization."))
        organization = organizations_of_user(user=request.user).filter(slug=filters.open_to).first()
        if organization is None:
            raise _invalid("query.open_to", _("This is not one of your organizations."))
        only_ids = selectors.call_ids_open_to(organizations=[organization])
    city = None
    if filters.city:
        city = core_selectors.city_list().filter(slug=filters.city).first()
        if city is None:
            raise _invalid("query.city", _("Unknown city: %(slug)s") % {"slug": filters.city})
    capability = None
    if filters.capability:
        capability = _capabilities([filters.capability], "query.capability")[0]
    qs = selectors.call_list_public(
        status=filters.status or "all",
        city=city,
        domain=_domain(filters.domain, "query.domain"),
        capability=capability,
        closes_before=filters.closes_before,
        q=normalize(filters.q or ""),
        only_ids=only_ids,
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.call_type:
        qs = qs.filter(call_type=filters.call_type)
    if filters.closes_after:
        qs = qs.filter(closes_at__gte=_tehran_day(filters.closes_after))
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    return paginate(qs, filters)


@router.get(
    "/calls/{call_id}",
    response=CallDetailOut,
    auth=PUBLIC,
    summary="One call",
    description="Public from publication on; before, only for the people who work on it.",
)
def call_detail(request, call_id: int = _id("The call's id.")):
    return _call(request, call_id)


@router.post(
    "/calls",
    response={201: CallDetailOut},
    summary="Start a call without a need",
    description="The city's innovation manager: a draft with an empty canvas. (A call is also created when a "
    "need is accepted: POST /cities/{slug}/needs/{need_id}/accept.)",
)
def call_create(request, payload: CallIn):
    city = core_selectors.city_list().filter(slug=payload.city).first()
    if city is None:
        raise _invalid("body.city", _("Unknown city: %(slug)s") % {"slug": payload.city})
    ensure_perm(request, "challenges.view_triage", city)
    call = services.call_create(
        city=city,
        unit=_unit(city, payload.unit, "body.unit"),
        by=request.user,
        title=payload.title,
        description=payload.description.strip(),
        domain=_domain(payload.domain, "body.domain"),
        capabilities=_capabilities(payload.capabilities, "body.capabilities"),
    )
    return Status(201, _call_detail(request, call))


@router.get(
    "/cities/{slug}/calls",
    response=page_of(CallOut),
    summary="The calls of a city you work on",
    description="All of them for the city's innovation manager; those of your units for unit staff; those "
    "you facilitate. Including drafts and calls in problem definition.",
)
def city_call_list(request, slug: str, filters: Query[CityCallFilters]):
    qs = selectors.city_call_list(city=_city(slug), user=request.user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    return paginate(qs, filters)


@router.patch(
    "/calls/{call_id}/settings",
    response=CallSettingsOut,
    summary="Change a call's type, dates and eligibility",
    description="The city's innovation manager, until the call closes. After publication the type cannot "
    "change; a new deadline or eligibility is announced to the call's followers.",
    openapi_extra=REFUSED_DOC,
)
def call_settings_update(request, payload: CallSettingsPatch, call_id: int = _id("The call's id.")):
    call = _call(request, call_id, "challenges.manage_call")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n, v in changes.items() if v is None and n not in ("opens_at", "closes_at")]
    if nulls:
        raise ApiError(
            400,
            "invalid_parameters",
            _("These parameters are invalid: %(names)s.") % {"names": ", ".join(f"body.{n}" for n in nulls)},
            errors=[{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls],
        )
    invited = None
    if "invited_organizations" in changes:
        invited = _organizations(changes.pop("invited_organizations"), "body.invited_organizations")
    for name in ("opens_at", "closes_at"):
        if name in changes:
            changes[name] = _aware(changes[name])
    for name in ("allowed_provinces", "allowed_kinds"):
        if name in changes:
            changes[name] = list(dict.fromkeys(changes[name]))
    # the settings page's rule: an invited call names at least one organization
    call_type = changes.get("call_type", call.call_type)
    if call_type == CallType.INVITED and not (invited if invited is not None else call.invited_organizations.exists()):
        raise _invalid("body.invited_organizations", _("An invited call needs at least one invited organization."))
    try:
        call = services.call_update_settings(call=call, by=request.user, invited_organizations=invited, **changes)
    except services.TransitionRefused as exc:
        raise _refused(exc) from exc
    return call


@router.get(
    "/calls/{call_id}/transitions",
    response=TransitionsOut,
    summary="A call's state, the steps you may take, and its history",
    description="The people who work on the call (its city's innovation manager, its unit's staff, its "
    "facilitators, platform admins).",
)
def call_transition_list(request, call_id: int = _id("The call's id.")):
    call = _call(request, call_id, "challenges.view_call_internal")
    return {
        "state": call.state,
        "allowed": services.allowed_transitions(call=call, user=request.user),
        "history": list(selectors.call_transitions(call=call)),
    }


@router.post(
    "/calls/{call_id}/transitions",
    response=CallDetailOut,
    summary="Move a call to another state",
    description="Through the call's state machine, with the permission each step needs: draft → "
    "in_definition → ready → published → closed → in_evaluation → results_published, ready → "
    "in_definition, and cancelled (with a public `note`) from any state before results. A step the state "
    "machine does not allow now is a 409 listing why (an incomplete canvas, no closing date, …).",
    openapi_extra=REFUSED_DOC,
)
def call_transition(request, payload: TransitionIn, call_id: int = _id("The call's id.")):
    call = _call(request, call_id, "challenges.view_call_internal")
    try:
        call = services.call_transition(call=call, to=payload.to, by=request.user, note=payload.note)
    except services.TransitionRefused as exc:
        raise _refused(exc) from exc
    return _call_detail(request, call)


@router.get(
    "/calls/{call_id}/eligibility",
    response=EligibilityOut,
    auth=PUBLIC,
    summary="Whether an organization may apply to a call",
    description="The same check as the call's page and the proposal form, with the reasons when it may not.",
)
def call_eligibility(request, filters: Query[EligibilityFilters], call_id: int = _id("The call's id.")):
    call = _call(request, call_id)
    organization = Organization.objects.filter(slug=filters.organization).first()
    if organization is None:
        raise _invalid("query.organization", _("Unknown organization: %(slug)s") % {"slug": filters.organization})
    eligible, reasons = selectors.call_eligibility_for(call=call, organization=organization)
    return {"organization": organization.slug, "eligible": eligible, "reasons": reasons}


@router.post("/calls/{call_id}/follow", response=FollowOut, summary="Follow a public call")
def call_follow(request, call_id: int = _id("The call's id.")):
    call = _call(request, call_id)
    return {"following": services.call_follow(call=call, by=request.user, follow=True)}


@router.delete("/calls/{call_id}/follow", response=FollowOut, summary="Stop following a call")
def call_unfollow(request, call_id: int = _id("The call's id.")):
    call = _call(request, call_id)
    return {"following": services.call_follow(call=call, by=request.user, follow=False)}


# --------------------------------------------------------------------------------------------
# Canvas
# --------------------------------------------------------------------------------------------
class CompletenessItem(Schema):
    key: str
    label: str
    message: str


class CompletenessOut(Schema):
    score: int = Field(description="Out of 100.")
    missing: list[CompletenessItem] = Field(description="What blocks marking the canvas ready.")
    weak: list[CompletenessItem] = Field(description="Advice.")


class CanvasOut(PublicCanvasOut):
    call: int
    version: int = Field(description="Send it back with PUT: a save based on an older version is refused.")
    title: str
    description: str
    domain: str | None
    capabilities: list[str]
    criteria: list[Criterion]
    updated_at: datetime.datetime
    editable: bool = Field(description="Whether you may change it now.")
    completeness: CompletenessOut

    @staticmethod
    def resolve_call(obj: Canvas) -> int:
        return obj.call_id

    @staticmethod
    def resolve_title(obj: Canvas) -> str:
        return obj.call.title

    @staticmethod
    def resolve_description(obj: Canvas) -> str:
        return obj.call.description

    @staticmethod
    def resolve_domain(obj: Canvas) -> str | None:
        return obj.call.domain.code if obj.call.domain_id else None

    @staticmethod
    def resolve_capabilities(obj: Canvas) -> list[str]:
        return sorted(c.code for c in obj.call.capabilities.all())

    @staticmethod
    def resolve_editable(obj: Canvas, context) -> bool:
        return context["request"].user.has_perm("challenges.change_canvas", obj.call)

    @staticmethod
    def resolve_completeness(obj: Canvas) -> dict:
        completeness = canvas_completeness(services.canvas_data(obj.call, obj))

        def items(rows):
            return [{"key": i.key, "label": i.label, "message": i.message} for i in rows]

        return {"score": completeness.score, "missing": items(completeness.missing), "weak": items(completeness.weak)}


class CanvasIn(InputSchema):
    """The whole canvas, as on its edit page: a field left out is emptied."""

    version: int = Field(ge=1, le=MAX_ID, description="The version your changes are based on (from GET).")
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=20_000, pattern=NO_NUL)
    domain: str | None = Field(None, max_length=60, pattern=NO_NUL)
    capabilities: list[str] = Field([], max_length=100)
    background: str = Field("", max_length=20_000, pattern=NO_NUL)
    affected: str = Field("", max_length=20_000, pattern=NO_NUL)
    kpi_name: str = Field("", max_length=200, pattern=NO_NUL)
    kpi_unit: str = Field("", max_length=60, pattern=NO_NUL)
    baseline_value: decimal.Decimal | None = Field(None, max_digits=16, decimal_places=2)
    target_value: decimal.Decimal | None = Field(None, max_digits=16, decimal_places=2)
    target_date: datetime.date | None = None
    constraints_text: str = Field("", max_length=20_000, pattern=NO_NUL)
    budget_min_rial: int | None = Field(None, ge=0, le=10**17)
    budget_max_rial: int | None = Field(None, ge=0, le=10**17)
    timeline: str = Field("", max_length=20_000, pattern=NO_NUL)
    available_data: str = Field("", max_length=20_000, pattern=NO_NUL)
    pilot_unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A unit slug of the call's city.")
    criteria: list[Criterion] = Field([], max_length=20)


def _canvas(request, call_id: int) -> Canvas:
    call = _call(request, call_id, "challenges.view_call_internal")
    canvas = call.canvas
    canvas.call = call  # the call as read (with its city, unit and capabilities)
    return canvas


@router.get(
    "/calls/{call_id}/canvas",
    response=CanvasOut,
    summary="A call's problem-definition canvas",
    description="The people who work on the call: its city's innovation manager, its unit's staff, its "
    "assigned facilitators, platform admins.",
)
def canvas_detail(request, call_id: int = _id("The call's id.")):
    return _canvas(request, call_id)


@router.put(
    "/calls/{call_id}/canvas",
    response=CanvasOut,
    summary="Save a call's canvas",
    description="Its city's innovation manager, its unit's staff and its facilitators, until publication. "
    "Send the `version` you read: if someone saved since, nothing is changed and the answer is a 409 "
    "`conflict` problem with the current version and content, to merge and send again.",
    openapi_extra=_problem_doc(
        "Someone saved the canvas since your version (`conflict`): nothing was changed.",
        {
            "allOf": [
                {"$ref": "#/components/schemas/Problem"},
                {
                    "type": "object",
                    "required": ["current_version", "current"],
                    "properties": {
                        "current_version": {"type": "integer"},
                        "current": {"$ref": "#/components/schemas/CanvasOut"},
                    },
                },
            ]
        },
    ),
)
def canvas_update(request, payload: CanvasIn, call_id: int = _id("The call's id.")):
    call = _call(request, call_id, "challenges.view_call_internal")
    values = payload.model_dump()
    version = values.pop("version")
    values["domain"] = _domain(values["domain"], "body.domain")
    capabilities = _capabilities(values.pop("capabilities"), "body.capabilities")
    values["pilot_unit"] = _unit(call.city, values["pilot_unit"], "body.pilot_unit")
    values["criteria"] = [{"name": normalize(c["name"]), "weight": c["weight"]} for c in values["criteria"]]
    for name in ("description", "background", "affected", "kpi_name", "kpi_unit", "constraints_text", "timeline"):
        values[name] = values[name].strip()
    values["available_data"] = values["available_data"].strip()
    try:
        services.canvas_update(
            call=call, by=request.user, expected_version=version, capabilities=capabilities, **values
        )
    except services.CanvasConflict as exc:
        current = CanvasOut.model_validate(_canvas(request, call.pk), context={"request": request})
        response = problem_response(
            request,
            409,
            "conflict",
            _(
                "Someone saved this canvas after version %(yours)s; it is now at version %(current)s. Nothing was "
                "changed: merge your changes into the current content and save again."
            )
            % {"yours": version, "current": exc.canvas.version},
            errors=[
                {"name": "body.version", "message": _("The current version is %(v)s.") % {"v": exc.canvas.version}}
            ],
        )
        return _with_members(response, current_version=exc.canvas.version, current=current.model_dump(mode="json"))
    return _canvas(request, call.pk)


def _with_members(response, **members):
    """Add extension members to a problem response (RFC 9457 §3.2)."""
    import json

    body = json.loads(response.content)
    body.update(members)
    response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return response


# --------------------------------------------------------------------------------------------
# Questions and answers
# --------------------------------------------------------------------------------------------
class QuestionOut(Schema):
    """A published question with its answer. Who asked is never public."""

    id: int
    question: str
    answer: str
    answered_at: datetime.datetime | None
    created_at: datetime.datetime


class QuestionFullOut(QuestionOut):
    organization: str | None = Field(description="The slug of the organization it was asked for, if any.")
    is_published: bool

    @staticmethod
    def resolve_organization(obj: CallQuestion) -> str | None:
        return obj.organization.slug if obj.organization_id else None


class QuestionFilters(ListQuery):
    ordering: ordering_param("created_at", "answered_at") | None = None


class QuestionIn(InputSchema):
    question: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    organization: str | None = Field(
        None, max_length=200, pattern=NO_NUL, description="One of your organizations (its slug), if asking for it."
    )


class AnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=10_000, pattern=NO_NUL)
    publish: bool = Field(True, description="Publish the question with this answer.")


@router.get(
    "/calls/{call_id}/questions",
    response=page_of(QuestionOut),
    auth=PUBLIC,
    summary="The published questions and answers of a call",
)
def question_list(request, filters: Query[QuestionFilters], call_id: int = _id("The call's id.")):
    qs = selectors.call_questions_public(call=_call(request, call_id))
    return paginate(order(qs, filters.ordering, default=("created_at",)), filters)


@router.post(
    "/calls/{call_id}/questions",
    response={201: QuestionFullOut},
    summary="Ask a question on an open call",
    description="Members of an organization, while the call is open. It is published with its answer, "
    "without your name.",
)
def question_ask(request, payload: QuestionIn, call_id: int = _id("The call's id.")):
    call = _call(request, call_id)
    organization = None
    if payload.organization is not None:
        organization = organizations_of_user(user=request.user).filter(slug=payload.organization).first()
        if organization is None:
            raise _invalid("body.organization", _("This is not one of your organizations."))
    question = services.question_ask(call=call, by=request.user, question=payload.question, organization=organization)
    return Status(201, question)


@router.get(
    "/calls/{call_id}/questions/all",
    response=page_of(QuestionFullOut),
    summary="Every question of a call, answered or not",
    description="The city's innovation manager, to answer them.",
)
def question_list_all(request, filters: Query[QuestionFilters], call_id: int = _id("The call's id.")):
    call = _call(request, call_id, "challenges.manage_call")
    qs = selectors.call_questions_all(call=call)
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    return paginate(qs, filters)


@router.post(
    "/calls/{call_id}/questions/{question_id}/answer",
    response=QuestionFullOut,
    summary="Answer (and publish) a question",
    description="The city's innovation manager; the asker is told.",
)
def question_answer(
    request,
    payload: AnswerIn,
    call_id: int = _id("The call's id."),
    question_id: int = _id("The question's id."),
):
    call = _call(request, call_id, "challenges.manage_call")
    question = selectors.call_questions_all(call=call).filter(pk=question_id).first()
    if question is None:
        raise Http404
    question.call = call
    return services.question_answer(question=question, by=request.user, answer=payload.answer, publish=payload.publish)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
class ResultOut(Schema):
    organization: str | None = Field(description="The organization's slug, if it is in the directory.")
    name: str
    outcome: Outcome
    public_reason: str
    rank: int | None

    @staticmethod
    def resolve_organization(obj: CallResult) -> str | None:
        return obj.organization.slug if obj.organization_id else None

    @staticmethod
    def resolve_name(obj: CallResult) -> str:
        return obj.display_name


class ResultFilters(ListQuery):
    outcome: Outcome | None = None


@router.get(
    "/calls/{call_id}/results",
    response=page_of(ResultOut),
    auth=PUBLIC,
    summary="The public results of a call",
    description="Once its results are published (404 before): awarded first, by rank.",
)
def result_list(request, filters: Query[ResultFilters], call_id: int = _id("The call's id.")):
    call = _call(request, call_id)
    if call.state != Call.State.RESULTS_PUBLISHED:
        raise Http404
    qs = call.results.select_related("organization").order_by("outcome", "rank", "pk")
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return paginate(qs, filters)
