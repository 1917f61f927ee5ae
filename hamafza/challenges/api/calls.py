"""Calls (the public "challenges"): search, detail, creation, a city's own calls, settings (type,
dates, eligibility), the state machine, eligibility checks and following.

Calls are public from publication on: `/calls`, `/calls/{call_id}`. A call still in problem
definition is a 404 for everyone but the people who work on it. A step the state machine refuses
is a 409 `transition_refused` problem listing the reasons.
"""

from __future__ import annotations

import datetime
import decimal
import zoneinfo
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.challenges import selectors, services
from hamafza.challenges.api.common import REFUSED_DOC, CallState, CallTypeCode, TaggedOut, call_for, call_reread
from hamafza.challenges.eligibility import call_eligibility_for
from hamafza.challenges.models import Call
from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import (
    NO_NUL,
    ApiDate,
    ApiDateTime,
    InputSchema,
    Province,
    capabilities_from_codes,
    city_from_path,
    city_from_slug,
    domain_from_code,
    id_param,
    unit_from_slug,
)
from hamafza.core.api.problems import ApiError, invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.core.text import normalize
from hamafza.directory.api.organizations import Kind, organizations_from_slugs
from hamafza.directory.selectors import organizations_of_user

router = ApiRouter()

PublicCallState = Literal[tuple(str(s) for s in Call.PUBLIC_STATES)]  # type: ignore[valid-type]


def _tehran_day(day: datetime.date, end: bool = False) -> datetime.datetime:
    at = datetime.time(23, 59, 59) if end else datetime.time(0, 0)
    return datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A time without an offset is Tehran time, as on the pages."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zoneinfo.ZoneInfo(settings.TIME_ZONE))


class CallOut(TaggedOut):
    id: int
    title: str
    description: str
    city: str = Field(alias="city.slug", description="The city's slug.")
    unit: str = Field(alias="unit.slug", description="The problem owner unit's slug.")
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
    def resolve_pilot_unit(obj) -> str | None:
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
    closes_before: ApiDate | None = Field(None, description="Closing on or before this day (Tehran).")
    closes_after: ApiDate | None = Field(None, description="Closing on or after this day (Tehran).")
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
    opens_at: ApiDateTime | None = Field(None, description="Empty: on publication.")
    closes_at: ApiDateTime | None = None
    allowed_provinces: list[Province] | None = Field(None, max_length=40)
    allowed_kinds: list[Kind] | None = Field(None, max_length=20)
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


@router.get(
    "/calls",
    response=page_of(CallOut),
    auth=PUBLIC,
    summary="Search the public calls",
    description="Published, closed, in evaluation and with published results, across cities.",
)
def call_list(request, filters: Query[CallFilters]):
    open_to = None
    if filters.open_to:
        if not request.user.is_authenticated:
            raise ApiError(401, "authentication_required", _("Sign in to filter by your organization."))
        organization = organizations_of_user(user=request.user).filter(slug=filters.open_to).first()
        if organization is None:
            raise invalid("query.open_to", _("This is not one of your organizations."))
        open_to = [organization.pk]
    city = city_from_slug(filters.city, "query.city") if filters.city else None
    capability = capabilities_from_codes([filters.capability], "query.capability")[0] if filters.capability else None
    qs = selectors.call_list_public(
        status=filters.status or "all",
        city=city,
        domain=domain_from_code(filters.domain, "query.domain"),
        capability=capability,
        closes_before=filters.closes_before,
        q=normalize(filters.q or ""),
        open_to_organizations=open_to,
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.call_type:
        qs = qs.filter(call_type=filters.call_type)
    if filters.closes_after:
        qs = qs.filter(closes_at__gte=_tehran_day(filters.closes_after))
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    # open to an organization: the page's ids from the indexes, then its rows (core.paging.page_rows)
    return paginate(qs, filters, ids_first=open_to is not None)


@router.get(
    "/calls/{call_id}",
    response=CallDetailOut,
    auth=PUBLIC,
    summary="One call",
    description="Public from publication on; before, only for the people who work on it.",
)
def call_detail(request, call_id: int = id_param("The call's id.")):
    return call_for(request, call_id)


@router.post(
    "/calls",
    response={201: CallDetailOut},
    summary="Start a call without a need",
    description="The city's innovation manager: a draft with an empty canvas. (A call is also created when a "
    "need is accepted: POST /cities/{slug}/needs/{need_id}/accept.)",
)
def call_create(request, payload: CallIn):
    city = city_from_slug(payload.city, "body.city")
    ensure_perm(request, "challenges.view_triage", city)
    call = services.call_create(
        city=city,
        unit=unit_from_slug(city, payload.unit, "body.unit"),
        by=request.user,
        title=payload.title,
        description=payload.description.strip(),
        domain=domain_from_code(payload.domain, "body.domain"),
        capabilities=capabilities_from_codes(payload.capabilities, "body.capabilities"),
    )
    return Status(201, call_reread(request, call))


@router.get(
    "/cities/{slug}/calls",
    response=page_of(CallOut),
    summary="The calls of a city you work on",
    description="All of them for the city's innovation manager; those of your units for unit staff; those "
    "you facilitate. Including drafts and calls in problem definition.",
)
def city_call_list(request, slug: str, filters: Query[CityCallFilters]):
    qs = selectors.city_call_list(city=city_from_path(slug), user=request.user)
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
def call_settings_update(request, payload: CallSettingsPatch, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id, "challenges.manage_call")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n, v in changes.items() if v is None and n not in ("opens_at", "closes_at")]
    if nulls:
        raise invalid_parameters([{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls])
    invited = None
    if "invited_organizations" in changes:
        invited = organizations_from_slugs(changes.pop("invited_organizations"), "body.invited_organizations")
    for name in ("opens_at", "closes_at"):
        if name in changes:
            changes[name] = _aware(changes[name])
    for name in ("allowed_provinces", "allowed_kinds"):
        if name in changes:
            changes[name] = list(dict.fromkeys(changes[name]))
    return services.call_update_settings(call=call, by=request.user, invited_organizations=invited, **changes)


@router.get(
    "/calls/{call_id}/transitions",
    response=TransitionsOut,
    summary="A call's state, the steps you may take, and its history",
    description="The people who work on the call (its city's innovation manager, its unit's staff, its "
    "facilitators, platform admins).",
)
def call_transition_list(request, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id, "challenges.view_call_internal")
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
def call_transition(request, payload: TransitionIn, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id, "challenges.view_call_internal")
    call = services.call_transition(call=call, to=payload.to, by=request.user, note=payload.note)
    return call_reread(request, call)


@router.get(
    "/calls/{call_id}/eligibility",
    response=EligibilityOut,
    auth=PUBLIC,
    summary="Whether an organization may apply to a call",
    description="The same check as the call's page and the proposal form, with the reasons when it may not.",
)
def call_eligibility(request, filters: Query[EligibilityFilters], call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id)
    organization = organizations_from_slugs([filters.organization], "query.organization")[0]
    eligible, reasons = call_eligibility_for(call=call, organization=organization)
    return {"organization": organization.slug, "eligible": eligible, "reasons": reasons}


@router.post("/calls/{call_id}/follow", response=FollowOut, summary="Follow a public call")
def call_follow(request, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id)
    return {"following": services.call_follow(call=call, by=request.user, follow=True)}


@router.delete("/calls/{call_id}/follow", response=FollowOut, summary="Stop following a call")
def call_unfollow(request, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id)
    return {"following": services.call_follow(call=call, by=request.user, follow=False)}
