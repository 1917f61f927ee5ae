"""Agreements: the ones the caller may see (the public register of every city, plus the drafts of
the caller's cities and parties), one agreement, creating and editing one, and its status
transitions. The value is shown when public or to the parties and the city's managers."""

from __future__ import annotations

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.challenges.models import Call
from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, city_from_slug, id_param
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import rules, selectors, services
from hamafza.pilots.api.common import REFUSED_DOC, agreement_for
from hamafza.pilots.models import Agreement, AgreementParty, Pilot

router = ApiRouter()

AgreementKindLiteral = Literal[tuple(Agreement.Kind.values)]  # type: ignore[valid-type]
AgreementStatusLiteral = Literal[tuple(Agreement.Status.values)]  # type: ignore[valid-type]
PartyKindLiteral = Literal[tuple(AgreementParty.Kind.values)]  # type: ignore[valid-type]
MAX_RIAL = 10**16


class AgreementPartyOut(Schema):
    id: int
    kind: PartyKindLiteral
    name: str = Field(alias="display_name")
    organization: str | None = Field(alias="api_organization", description="The organization's slug, if any.")
    unit: str | None = Field(alias="api_unit", description="The unit's slug, if any.")
    body_kind: str
    role: str


class AgreementOut(Schema):
    id: int
    city: str = Field(alias="city.slug")
    title: str
    kind: AgreementKindLiteral
    status: AgreementStatusLiteral
    signed_on: datetime.date | None
    duration_months: int | None
    ends_on: datetime.date | None
    value_rial: int | None = Field(alias="api_value", description="Null when not public and you are not a party.")
    value_public: bool
    parties: list[AgreementPartyOut] = Field(alias="api_parties")


class AgreementDetailOut(AgreementOut):
    subject: str
    termination_reason: str
    pilot: int | None = Field(alias="pilot_id")
    call: int | None = Field(alias="call_id")
    confidential: bool = Field(alias="api_confidential", description="Whether you see the signed documents.")
    can_manage: bool = Field(alias="api_can_manage")


class AgreementFilters(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=NO_NUL, description="Only this city's agreements (slug).")
    status: AgreementStatusLiteral | None = None
    kind: AgreementKindLiteral | None = None
    ordering: ordering_param("signed_on", "created_at") | None = None


class AgreementFields(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    kind: AgreementKindLiteral
    subject: str = Field("", max_length=20_000, pattern=NO_NUL)
    value_rial: int | None = Field(None, ge=0, le=MAX_RIAL)
    value_public: bool = False
    signed_on: datetime.date | None = None
    duration_months: int | None = Field(None, ge=1, le=600)
    pilot: int | None = Field(None, ge=1, le=MAX_ID, description="A pilot of the city.")
    call: int | None = Field(None, ge=1, le=MAX_ID, description="A call of the city.")


class AgreementIn(AgreementFields):
    city: str = Field(min_length=1, max_length=60, pattern=NO_NUL, description="The city's slug.")


class AgreementPatch(InputSchema):
    title: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    kind: AgreementKindLiteral | None = None
    subject: str | None = Field(None, max_length=20_000, pattern=NO_NUL)
    value_rial: int | None = Field(None, ge=0, le=MAX_RIAL)
    value_public: bool | None = None
    signed_on: datetime.date | None = None
    duration_months: int | None = Field(None, ge=1, le=600)
    pilot: int | None = Field(None, ge=1, le=MAX_ID)
    call: int | None = Field(None, ge=1, le=MAX_ID)


class AgreementTransitionIn(InputSchema):
    to_state: AgreementStatusLiteral
    reason: str = Field("", max_length=2000, pattern=NO_NUL, description="Required to terminate.")


def decorate_parties(parties) -> list:
    for p in parties:
        p.api_organization = p.organization.slug if p.organization_id else None
        p.api_unit = p.unit.slug if p.unit_id else None
    return parties


def agreement_out(request, agreement: Agreement, confidential_ids: set | None = None) -> Agreement:
    if confidential_ids is None:
        confidential = rules.can(request.user, "pilots.view_agreement_confidential", agreement)
    else:
        confidential = agreement.pk in confidential_ids
    agreement.api_confidential = confidential
    agreement.api_value = selectors.agreement_value_shown(agreement, confidential=confidential)
    agreement.api_parties = decorate_parties(list(agreement.parties.all()))
    agreement.api_can_manage = rules.can(request.user, "pilots.manage_agreement", agreement)
    return agreement


def _links(city, changes: dict) -> dict:
    if changes.get("pilot") is not None:
        pilot = Pilot.objects.filter(pk=changes["pilot"], city=city).first()
        if pilot is None:
            raise invalid("body.pilot", _("No pilot of this city has this id."))
        changes["pilot"] = pilot
    if changes.get("call") is not None:
        call = Call.objects.filter(pk=changes["call"], city=city, judging_only=False).first()
        if call is None:
            raise invalid("body.call", _("No call of this city has this id."))
        changes["call"] = call
    return changes


@router.get(
    "/agreements",
    response=page_of(AgreementOut),
    summary="Agreements you may see",
    description="Every city's public register (signed and later) and the drafts of the agreements you are a party "
    "to or manage.",
    auth=PUBLIC,
)
def agreement_list(request, filters: Query[AgreementFilters]):
    qs = selectors.agreements_visible_to(request.user)
    if filters.city:
        qs = qs.filter(city=city_from_slug(filters.city, "query.city"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = selectors._agreement_related(qs)
    page = paginate(order(qs, filters.ordering, default=("-signed_on", "-created_at")), filters)
    ids = {a.pk for a in page["items"]}
    confidential = set(
        selectors.agreements_confidential_to(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    page["items"] = [agreement_out(request, a, confidential) for a in page["items"]]
    return page


@router.post(
    "/agreements",
    response={201: AgreementDetailOut},
    summary="Create a draft agreement",
    description="The city's innovation managers; the city is a party of every agreement (add others with "
    "`POST /agreements/{id}/parties`).",
)
def agreement_create(request, payload: AgreementIn):
    city = city_from_slug(payload.city, "body.city")
    ensure_perm(request, "pilots.add_agreement", city)
    fields = _links(city, payload.model_dump(exclude={"city"}))
    agreement = services.agreement_create(city=city, by=request.user, **fields)
    return Status(201, agreement_out(request, agreement_for(request, agreement.pk)))


@router.get(
    "/agreements/{agreement_id}",
    response=AgreementDetailOut,
    summary="One agreement",
    description="Public once signed; a draft only for its parties and the city's managers (404 otherwise).",
    auth=PUBLIC,
)
def agreement_detail(request, agreement_id: int = id_param("The agreement's id.")):
    return agreement_out(request, agreement_for(request, agreement_id))


@router.patch(
    "/agreements/{agreement_id}",
    response=AgreementDetailOut,
    summary="Edit an agreement",
    description="The city's managers, until it is completed or terminated. Fields left out are kept.",
    openapi_extra=REFUSED_DOC,
)
def agreement_update(request, payload: AgreementPatch, agreement_id: int = id_param("The agreement's id.")):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n in ("title", "kind", "subject", "value_public") if n in changes and changes[n] is None]
    if nulls:
        raise invalid_parameters([{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls])
    services.agreement_update(agreement=agreement, by=request.user, **_links(agreement.city, changes))
    return agreement_out(request, agreement_for(request, agreement.pk))


@router.post(
    "/agreements/{agreement_id}/transitions",
    response=AgreementDetailOut,
    summary="Change an agreement's status",
    description="The city's managers: draft → signed (signing date set, two parties) → active → completed, or "
    "terminated with a `reason` (409 `refused` otherwise).",
    openapi_extra=REFUSED_DOC,
)
def agreement_transition(request, payload: AgreementTransitionIn, agreement_id: int = id_param("The agreement's id.")):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    services.agreement_transition(
        agreement=agreement, by=request.user, to_state=payload.to_state, reason=payload.reason
    )
    return agreement_out(request, agreement_for(request, agreement.pk))
