"""Needs of a city and citizens' reports, and their triage by the city's innovation manager.

Needs belong to a city: `/cities/{slug}/needs/{need_id}`. A need the caller may not see is a 404
(its existence is confidential); one they may see but not change is a 403. A refused triage step
is a 409 `transition_refused` problem listing the reasons.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.challenges import selectors, services
from hamafza.challenges.api.calls import CallDetailOut
from hamafza.challenges.api.common import REFUSED_DOC, TaggedOut, call_reread
from hamafza.challenges.models import Need, Urgency
from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import (
    MAX_ID,
    NO_NUL,
    InputSchema,
    capabilities_from_codes,
    city_from_path,
    domain_from_code,
    id_param,
    unit_from_slug,
)
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()

NeedStatus = Literal[tuple(Need.Status.values)]  # type: ignore[valid-type]
NeedSource = Literal[tuple(Need.Source.values)]  # type: ignore[valid-type]
UrgencyCode = Literal[tuple(Urgency.values)]  # type: ignore[valid-type]


class NeedOut(TaggedOut):
    id: int
    city: str = Field(alias="city.slug", description="The city's slug.")
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
    merged_into: int | None = Field(alias="merged_into_id", description="The need this one was merged into.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_unit(obj: Need) -> str | None:
        return obj.unit.slug if obj.unit_id else None


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
    city = city_from_path(slug)
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
        fields["unit"] = unit_from_slug(city, payload["unit"], f"{prefix}.unit")
    if "domain" in payload:
        fields["domain"] = domain_from_code(payload["domain"], f"{prefix}.domain")
    capabilities = None
    if "capabilities" in payload:
        capabilities = capabilities_from_codes(payload["capabilities"] or [], f"{prefix}.capabilities")
    return fields, capabilities


@router.get(
    "/cities/{slug}/needs",
    response=page_of(NeedOut),
    summary="Needs of a city",
    description="What you may see, as on the pages: the triage inbox for the city's innovation manager (and "
    "platform admins), the needs of your units for unit staff, your own drafts and reports for everyone.",
)
def need_list(request, slug: str, filters: Query[NeedFilters]):
    city = city_from_path(slug)
    unit = unit_from_slug(city, filters.unit, "query.unit")
    domain = domain_from_code(filters.domain, "query.domain")
    if request.user.has_perm("challenges.view_triage", city):
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
    city = city_from_path(slug)
    data = payload.model_dump()
    source, submit = data.pop("source"), data.pop("submit")
    if source == Need.Source.CITIZEN and data["unit"] is not None:
        raise invalid("body.unit", _("A citizen's report has no unit; the city assigns it."))
    fields, capabilities = _need_fields(city, data)
    if source == Need.Source.CITIZEN:
        fields.pop("unit", None)
    with transaction.atomic():  # a refused submission leaves no draft behind
        need = services.need_save_draft(by=request.user, city=city, source=source, capabilities=capabilities, **fields)
        if submit:
            need = services.need_submit(need=need, by=request.user)
    return Status(201, _need_detail(request, need))


@router.get("/cities/{slug}/needs/{need_id}", response=NeedDetailOut, summary="One need")
def need_detail(request, slug: str, need_id: int = id_param("The need's id.")):
    return _need(request, slug, need_id)


@router.patch(
    "/cities/{slug}/needs/{need_id}",
    response=NeedDetailOut,
    summary="Edit a draft need",
    description="Its submitter or staff of its unit, while it is a draft.",
)
def need_update(request, slug: str, payload: NeedPatch, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.change_need")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n in ("title", "description", "location", "urgency", "capabilities") if n in changes]
    nulls = [n for n in nulls if changes[n] is None]
    if nulls:
        raise invalid_parameters([{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls])
    if need.source == Need.Source.CITIZEN and "unit" in changes:
        raise invalid("body.unit", _("A citizen's report has no unit; the city assigns it."))
    fields, capabilities = _need_fields(need.city, changes)
    need = services.need_save_draft(by=request.user, need=need, capabilities=capabilities, **fields)
    return _need_detail(request, need)


@router.post(
    "/cities/{slug}/needs/{need_id}/submit",
    response=NeedDetailOut,
    summary="Submit a draft need",
    description="A unit's need goes to the city's triage inbox, a citizen's report to moderation.",
)
def need_submit(request, slug: str, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.change_need")
    return _need_detail(request, services.need_submit(need=need, by=request.user))


@router.post(
    "/cities/{slug}/needs/{need_id}/approve",
    response=NeedDetailOut,
    summary="Approve a citizen's report (moderation)",
    description="The city's innovation manager: the report goes to the triage inbox.",
    openapi_extra=REFUSED_DOC,
)
def need_approve(request, slug: str, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.triage_need")
    return _need_detail(request, services.need_approve_report(need=need, by=request.user))


@router.post(
    "/cities/{slug}/needs/{need_id}/reject",
    response=NeedDetailOut,
    summary="Reject a need with a reason",
    description="The city's innovation manager; the submitter is told the reason.",
    openapi_extra=REFUSED_DOC,
)
def need_reject(request, slug: str, payload: RejectIn, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.triage_need")
    return _need_detail(request, services.need_reject(need=need, by=request.user, reason=payload.reason))


@router.post(
    "/cities/{slug}/needs/{need_id}/link",
    response=NeedDetailOut,
    summary="Link a need to a related one",
    description="The city's innovation manager; the other need may be of another city. Both stay open.",
)
def need_link(request, slug: str, payload: LinkIn, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.triage_need")
    other = Need.objects.exclude(status=Need.Status.DRAFT).filter(pk=payload.other).first()
    if other is None:
        raise invalid("body.other", _("Choose another, submitted need."))
    return _need_detail(request, services.need_link(need=need, other=other, by=request.user))


@router.post(
    "/cities/{slug}/needs/{need_id}/merge",
    response=NeedDetailOut,
    summary="Merge a duplicate into another need",
    description="The city's innovation manager; the target is a submitted or accepted need of the same city.",
    openapi_extra=REFUSED_DOC,
)
def need_merge(request, slug: str, payload: MergeIn, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.triage_need")
    into = selectors.need_merge_targets(need=need).filter(pk=payload.into).first()
    if into is None:
        raise invalid("body.into", _("Choose another need of the same city."))
    return _need_detail(request, services.need_merge(need=need, into=into, by=request.user))


@router.post(
    "/cities/{slug}/needs/{need_id}/accept",
    response={201: CallDetailOut},
    summary="Accept a need into problem definition",
    description="The city's innovation manager. A call is created from the need, in problem definition, "
    "with its canvas started from the need; the answer is that call.",
    openapi_extra=REFUSED_DOC,
)
def need_accept(request, slug: str, need_id: int = id_param("The need's id.")):
    need = _need(request, slug, need_id, "challenges.triage_need")
    return Status(201, call_reread(request, services.need_accept(need=need, by=request.user)))
