"""Matching: organizations to invite to a call and calls for an organization, ranked and
explained; adding organizations to a call's invited list. The same selectors, services and
`matching.*` rules permissions as the pages.

* ``GET /challenges/{call_id}/matches`` — organizations to invite to a call, ranked and explained
  (the innovation manager of the call's city; 404 when the caller cannot see the call, 403 when
  they can but do not manage it);
* ``POST /challenges/{call_id}/invitations`` — add organizations to the call's invited list;
* ``GET /organizations/{slug}/matches`` — open calls the organization may apply to, ranked and
  explained (its members).

The explanation is the engine's (docs/decisions/0005-matching-engine.md, section 5).
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Query, Schema

from hamafza.challenges.selectors import call_get
from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.params import InputSchema, Province
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.api.organizations import Kind, organizations_from_slugs
from hamafza.directory.selectors import organization_get
from hamafza.matching import selectors, services

router = ApiRouter()


class CapabilityMatchOut(Schema):
    code: str
    name_fa: str
    name_en: str
    source: Literal["declared", "inferred", "meaning"] = Field(
        description="How the organization has it: declared, found in its words, or read from the meaning of its "
        "description (embeddings on)."
    )
    contribution: float = Field(description="Its share of the capability signal, 0–1.")
    organization_evidence: list[str] = Field(description="Phrases of the organization's text that show it.")
    challenge_evidence: list[str] = Field(description="Phrases of the call's text that ask for it.")
    related_to: str | None = Field(
        None, description="Set when the organization only has a neighbouring capability of this requested one."
    )


class MatchedWordOut(Schema):
    challenge: str
    organization: str


class SignalOut(Schema):
    points: float = Field(description="Points of the score; the points of all signals add up to the score.")
    share: float = Field(description="points / score.")
    value: float | str | None = Field(None, description="The signal's value (locality: city, province or null).")
    weight: float | None = Field(None, description="The weight of a relevance signal.")
    bonus: float | None = Field(None, description="The bonus of a preference signal.")


class ExplanationOut(Schema):
    capabilities: list[CapabilityMatchOut]
    matched_words: list[MatchedWordOut]
    signals: dict[str, SignalOut] = Field(
        description="capability, text, semantic (embeddings on), locality, knowledge_based, track_record, verified."
    )
    formula: str


class MatchedOrganizationOut(Schema):
    slug: str
    name: str
    name_en: str
    kind: Kind
    province: Province
    city_name: str
    knowledge_based: bool
    verified: bool


class OrganizationMatchOut(Schema):
    organization: MatchedOrganizationOut
    score: float = Field(description="0–1, higher is better.")
    invited: bool = Field(description="Already on the call's invited list.")
    explanation: ExplanationOut


class MatchedCallOut(Schema):
    id: int
    title: str
    city: str = Field(description="The city's slug.")
    call_type: str
    closes_at: datetime.datetime | None


class CallMatchOut(Schema):
    call: MatchedCallOut
    score: float = Field(description="0–1, higher is better.")
    explanation: ExplanationOut


class MatchFilters(Schema):
    province: Province | None = Field(None, description="Only organizations of this province.")
    kind: Kind | None = Field(None, description="Only organizations of this kind.")
    top: int = Field(20, ge=1, le=100, description="How many organizations (1–100).")


class CallsFilters(Schema):
    top: int = Field(20, ge=1, le=100, description="How many calls (1–100).")


class InvitationsIn(InputSchema):
    organizations: list[str] = Field(min_length=1, max_length=100, description="Organization slugs.")


class InvitationsOut(Schema):
    invited: list[str] = Field(description="Slugs newly added to the invited list.")
    already_invited: list[str] = Field(description="Slugs that were on the list already.")


def _explanation(raw: dict) -> dict:
    return {
        "capabilities": raw.get("capabilities", []),
        "matched_words": raw.get("matched_words", []),
        "signals": raw.get("signals", {}),
        "formula": raw.get("formula", ""),
    }


@router.get(
    "/challenges/{call_id}/matches",
    response=list[OrganizationMatchOut],
    summary="Organizations to invite to a call",
    description="Eligible organizations ranked for the call, with explanations. The innovation manager "
    "of the call's city only.",
)
def call_matches(request, call_id: int, filters: Query[MatchFilters]):
    call = call_get(pk=call_id, user=request.user, perm="matching.view_call_matches")
    rows = selectors.matches_for_call(
        call=call,
        user=request.user,
        filters={"province": filters.province, "kind": filters.kind},
        top=filters.top,
    )
    return [
        {
            "organization": row.organization,
            "score": round(row.explanation.score, 6),
            "invited": row.invited,
            "explanation": _explanation(row.explanation.raw),
        }
        for row in rows
    ]


@router.post(
    "/challenges/{call_id}/invitations",
    response=InvitationsOut,
    summary="Invite organizations to a call",
    description="Adds organizations to the call's invited list (the innovation manager of the call's "
    "city). Every organization must meet the call's eligibility, or none is invited (400).",
)
def call_invitations(request, call_id: int, payload: InvitationsIn):
    call = call_get(pk=call_id, user=request.user, perm="matching.invite_organizations")
    organizations = organizations_from_slugs(payload.organizations, "body.organizations")
    # a closed or cancelled call refuses it: a 409 `transition_refused` problem, as PATCH /calls/{id}/settings
    new = services.call_invite_organizations(call=call, organizations=organizations, by=request.user)
    new_slugs = {o.slug for o in new}
    return {
        "invited": [o.slug for o in organizations if o.slug in new_slugs],
        "already_invited": [o.slug for o in organizations if o.slug not in new_slugs],
    }


@router.get(
    "/organizations/{slug}/matches",
    response=list[CallMatchOut],
    summary="Calls for an organization",
    description="Open calls the organization may apply to, ranked and explained. Its members only.",
)
def organization_matches(request, slug: str, filters: Query[CallsFilters]):
    organization = organization_get(slug=slug)
    ensure_perm(request, "matching.view_calls_for_organization", organization)
    rows = selectors.calls_for_organization(organization=organization, user=request.user, top=filters.top)
    return [
        {
            "call": {
                "id": row.call.pk,
                "title": row.call.title,
                "city": row.call.city.slug,
                "call_type": row.call.call_type,
                "closes_at": row.call.closes_at,
            },
            "score": round(row.explanation.score, 6),
            "explanation": _explanation(row.explanation.raw),
        }
        for row in rows
    ]
