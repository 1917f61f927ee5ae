"""API v1: missions, the roles of a value chain (of a mission or a call), proposal runs of the
consortium optimiser, consortia and their invitations.

A thin skin over the consortia app: reads start from ``consortia.selectors``, writes go through one
``consortia.services`` function, and who may do what is asked from ``consortia.rules`` (the same
permissions as the pages, see docs/consortia.md).

- Missions are public; a call's roles are visible to whoever may see the call.
- A run, a consortium or an invitation the caller may not see is a 404 (as on the pages); one the
  caller sees but may not act on is a 403.
- A step the services refuse now (a role with members, an invitation already answered, the lead
  already leads a consortium, a full role) is a 409 ``refused`` problem whose ``errors`` give the
  reasons.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Schema, Status

from hamafza.consortia import selectors, services
from hamafza.consortia.models import Consortium, ConsortiumInvitation, Mission, MissionRole
from hamafza.consortia.rules import is_invitation_lead_admin, is_invited_org_admin
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
)
from hamafza.core.models import Capability
from hamafza.directory.models import Organization

router = ApiRouter(tags=["consortia"])

MAX_ID = 2**31 - 1
NO_NUL = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
CapabilityCode = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]

REFUSED_DOC = {
    "responses": {
        409: {
            "description": "Refused now (`refused`, with the reasons in `errors`).",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    }
}


def _id(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


def _refused(exc: services.Refused, name: str = "state") -> ApiError:
    return ApiError(
        409,
        "refused",
        "; ".join(exc.reasons) or _("This step is not allowed now."),
        errors=[{"name": name, "message": reason} for reason in exc.reasons],
    )


def _invalid(name: str, message: str) -> ApiError:
    return invalid_parameters([{"name": name, "message": message}])


def _code(value) -> str:
    """A capability (or its code, when it no longer exists) as its code."""
    return value.code if isinstance(value, Capability) else str(value)


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------
class ConsortiumRoleOut(Schema):
    id: int
    code: str
    name: str
    text: str
    capabilities: list[str] = Field(description="The capability codes the role needs.")
    min_members: int
    max_members: int
    position: int

    @staticmethod
    def resolve_capabilities(obj: MissionRole) -> list[str]:
        return [c.code for c in obj.capabilities.all()]


class MissionOut(Schema):
    id: int
    city: str | None = Field(description="The city's slug; null for a national mission.")
    title: str = Field(description="In the language of the request.")
    title_fa: str
    title_en: str
    call: int | None = Field(description="The id of the call a complete consortium applies to.")
    roles_count: int
    consortia_count: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_city(obj: Mission) -> str | None:
        return obj.city.slug if obj.city_id else None

    @staticmethod
    def resolve_call(obj: Mission) -> int | None:
        return obj.call_id

    @staticmethod
    def resolve_roles_count(obj: Mission) -> int:
        return getattr(obj, "n_roles", 0)

    @staticmethod
    def resolve_consortia_count(obj: Mission) -> int:
        return getattr(obj, "n_consortia", 0)


class MissionDetailOut(MissionOut):
    description: str
    allowed_provinces: list[str]
    allowed_kinds: list[str]
    knowledge_based_required: bool
    roles: list[ConsortiumRoleOut] = Field(description="The roles of the value chain, in order.")
    can_manage: bool = Field(description="Whether you may change the roles and ask for consortia.")

    @staticmethod
    def resolve_roles(obj: Mission) -> list:
        return obj.api_roles

    @staticmethod
    def resolve_can_manage(obj: Mission, context) -> bool:
        return context["request"].user.has_perm("consortia.manage_roles", obj)


class MissionFilters(ListQuery):
    city: str | None = Field(None, max_length=60, pattern=SLUG, description="A city's slug.")
    ordering: ordering_param("created_at", "title_fa") | None = None


class RoleIn(InputSchema):
    code: str = Field(min_length=1, max_length=40, pattern=SLUG, description="Unique within the mission or call.")
    name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)
    text: str = Field("", max_length=5000, pattern=NO_NUL, description="What the role does (helps the matching).")
    capabilities: list[CapabilityCode] = Field(
        min_length=1, max_length=50, description="Capability codes (at least one)."
    )
    min_members: int = Field(1, ge=0, le=100)
    max_members: int = Field(1, ge=1, le=100)


class RolePatch(InputSchema):
    """Only the fields sent change."""

    code: str | None = Field(None, min_length=1, max_length=40, pattern=SLUG)
    name: str | None = Field(None, min_length=1, max_length=120, pattern=NO_NUL)
    text: str | None = Field(None, max_length=5000, pattern=NO_NUL)
    capabilities: list[CapabilityCode] | None = Field(None, min_length=1, max_length=50)
    min_members: int | None = Field(None, ge=0, le=100)
    max_members: int | None = Field(None, ge=1, le=100)


class ProposeIn(InputSchema):
    top: int = Field(5, ge=1, le=services.TOP_MAX, description="How many consortia to propose.")
    max_members: int = Field(
        6, ge=1, le=services.MEMBERS_MAX, description="Distinct member organizations per consortium at most."
    )


class SeatOut(Schema):
    role: str = Field(description="The role's code.")
    role_name: str
    fitness: float | None
    capabilities: list[str] = Field(description="The capability codes matched for this role.")


class ProposedMemberOut(Schema):
    organization: str = Field(description="The organization's slug.")
    organization_name: str
    locality: float
    track_record: float
    can_lead: bool = Field(description="Whether you are an admin of it (and may form the consortium it leads).")
    seats: list[SeatOut]


class ProposedConsortiumOut(Schema):
    rank: int = Field(description="Send it as `rank` to form this consortium.")
    objective: float
    gap: float | None = Field(description="The optimality gap (0 when proven optimal).")
    status: str
    members: list[ProposedMemberOut]


class RunRoleOut(Schema):
    code: str
    name: str
    min: int
    max: int
    capabilities: list[str]
    candidates: int = Field(description="Eligible candidates found for the role.")


class InfeasibleRoleOut(Schema):
    role: str = Field(description="The role's code.")
    found: int = Field(description="Eligible candidates found.")
    reason: str


class RunOut(Schema):
    id: int
    mission: int | None
    call: int | None
    top: int
    max_members: int
    created_at: datetime.datetime
    roles: list[RunRoleOut]
    consortia: list[ProposedConsortiumOut]
    infeasible: list[InfeasibleRoleOut] = Field(description="Roles nobody eligible can fill.")
    reason: str = Field(description="Why no consortium was proposed when every role has candidates; else empty.")
    fewer: bool = Field(description="Fewer consortia exist than were asked for.")


class FormIn(InputSchema):
    lead: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="The lead organization's slug.")
    rank: int = Field(ge=1, le=1000, description="The proposed consortium's rank in the run.")


class ConsortiumOut(Schema):
    id: int
    mission: int | None
    call: int | None
    lead: str = Field(description="The lead organization's slug.")
    lead_name: str
    run: int | None
    rank: int | None
    max_members: int
    proposal: int | None = Field(description="The lead's proposal to the call, once the consortium applied.")
    created_at: datetime.datetime

    @staticmethod
    def resolve_mission(obj: Consortium) -> int | None:
        return obj.mission_id

    @staticmethod
    def resolve_call(obj: Consortium) -> int | None:
        return obj.call_id

    @staticmethod
    def resolve_lead(obj: Consortium) -> str:
        return obj.lead.slug

    @staticmethod
    def resolve_lead_name(obj: Consortium) -> str:
        return obj.lead.display_name

    @staticmethod
    def resolve_run(obj: Consortium) -> int | None:
        return obj.run_id

    @staticmethod
    def resolve_proposal(obj: Consortium) -> int | None:
        return obj.proposal_id


class ConsortiumMemberOut(Schema):
    organization: str
    organization_name: str
    fitness: float | None
    capabilities: list[str]


class CoverageOut(Schema):
    role: str = Field(description="The role's code.")
    role_id: int
    role_name: str
    min_members: int
    max_members: int
    members: list[ConsortiumMemberOut] = Field(description="Accepted members.")
    pending: int = Field(description="Pending invitations.")
    filled: bool = Field(description="The minimum is met.")
    full: bool


class ConsortiumInvitationOut(Schema):
    id: int
    consortium: int
    organization: str
    organization_name: str
    role: str = Field(description="The role's code.")
    status: str
    fitness: float | None
    capabilities: list[str]
    message: str
    created_at: datetime.datetime
    responded_at: datetime.datetime | None
    can_respond: bool
    can_withdraw: bool


class ConsortiumDetailOut(ConsortiumOut):
    complete: bool = Field(description="Every role has its minimum of accepted members.")
    roles: list[CoverageOut]
    invitations: list[ConsortiumInvitationOut]
    can_invite: bool

    @staticmethod
    def resolve_roles(obj: Consortium) -> list[dict]:
        return obj.api_coverage

    @staticmethod
    def resolve_invitations(obj: Consortium) -> list[dict]:
        return obj.api_invitations


class ConsortiumFilters(ListQuery):
    mission: int | None = Field(None, ge=1, le=MAX_ID, description="Only this mission's consortia.")
    call: int | None = Field(None, ge=1, le=MAX_ID, description="Only this call's consortia.")
    ordering: ordering_param("created_at") | None = None


class InviteIn(InputSchema):
    organization: str = Field(min_length=1, max_length=200, pattern=NO_NUL, description="The organization's slug.")
    role: str = Field(min_length=1, max_length=40, pattern=NO_NUL, description="The role's code.")
    message: str = Field("", max_length=5000, pattern=NO_NUL)


class RespondIn(InputSchema):
    accept: bool = Field(description="true accepts, false declines.")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _mission(mission_id: int) -> Mission:
    mission = selectors.mission_get(pk=mission_id)
    mission.api_roles = list(selectors.roles_of(mission))
    mission.n_roles = len(mission.api_roles)
    mission.n_consortia = mission.consortia.count()
    return mission


def _target(request, kind: str, pk: int):
    if kind == "mission":
        return selectors.mission_get(pk=pk)
    return selectors.call_target_get(call_id=pk, user=request.user)


def _capabilities(codes: list[str], name: str) -> list[Capability]:
    codes = list(dict.fromkeys(codes))
    found = {c.code: c for c in Capability.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise invalid_parameters(
            [{"name": name, "message": _("Unknown capability code: %(code)s") % {"code": c}} for c in unknown]
        )
    return [found[code] for code in codes]


def _role_of(target, role_id: int) -> MissionRole:
    kwargs = {"mission": target} if isinstance(target, Mission) else {"call": target}
    role = MissionRole.objects.filter(pk=role_id, **kwargs).first()
    if role is None:
        raise Http404("No such role")
    return role


def _role_out(role: MissionRole) -> MissionRole:
    return MissionRole.objects.prefetch_related("capabilities").get(pk=role.pk)


def _role_create(request, target, payload: RoleIn) -> MissionRole:
    ensure_perm(request, "consortia.manage_roles", target)
    values = payload.model_dump()
    values["capabilities"] = _capabilities(values["capabilities"], "body.capabilities")
    try:
        role = services.role_save(target=target, by=request.user, **values)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return _role_out(role)


def _role_update(request, target, role_id: int, payload: RolePatch) -> MissionRole:
    ensure_perm(request, "consortia.manage_roles", target)
    role = _role_of(target, role_id)
    values = {
        "code": role.code,
        "name": role.name,
        "text": role.text,
        "capabilities": list(role.capabilities.all()),
        "min_members": role.min_members,
        "max_members": role.max_members,
    }
    sent = payload.model_dump(exclude_unset=True)
    for name, value in sent.items():
        if value is None:
            raise _invalid(f"body.{name}", _("This field cannot be null."))
        values[name] = _capabilities(value, "body.capabilities") if name == "capabilities" else value
    services.role_save(target=target, by=request.user, role=role, **values)
    return _role_out(role)


def _role_delete(request, target, role_id: int):
    ensure_perm(request, "consortia.manage_roles", target)
    role = _role_of(target, role_id)
    try:
        services.role_delete(role=role, by=request.user)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return Status(204, None)


def _run_out(run, user) -> dict:
    view = selectors.run_view(run=run, user=user)
    return {
        "id": run.pk,
        "mission": run.mission_id,
        "call": run.call_id,
        "top": run.top,
        "max_members": run.max_members,
        "created_at": run.created_at,
        "roles": [
            {
                "code": r["code"],
                "name": r["name"],
                "min": r["min"],
                "max": r["max"],
                "capabilities": list(r["capabilities"]),
                "candidates": r["candidates"],
            }
            for r in view["roles"]
        ],
        "consortia": [
            {
                "rank": c.rank,
                "objective": c.objective,
                "gap": c.gap,
                "status": c.status,
                "members": [
                    {
                        "organization": m.organization.slug,
                        "organization_name": m.organization.display_name,
                        "locality": m.locality,
                        "track_record": m.track_record,
                        "can_lead": m.can_lead,
                        "seats": [
                            {
                                "role": s.role.get("code", ""),
                                "role_name": s.role.get("name", ""),
                                "fitness": s.fitness,
                                "capabilities": [_code(c) for c in s.capabilities],
                            }
                            for s in m.seats
                        ],
                    }
                    for m in c.members
                ],
            }
            for c in view["consortia"]
        ],
        "infeasible": [
            {"role": i["role"].get("code", ""), "found": i["found"], "reason": i["text"]} for i in view["infeasible"]
        ],
        "reason": view["joint_reason"],
        "fewer": view["fewer"],
    }


def _propose(request, target, payload: ProposeIn):
    ensure_perm(request, "consortia.propose_consortia", target)
    try:
        run = services.consortia_propose(
            target=target, by=request.user, top=payload.top, max_members=payload.max_members
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    return Status(201, _run_out(run, request.user))


def _consortium(request, consortium_id: int) -> Consortium:
    consortium = selectors.consortium_get(pk=consortium_id)
    ensure_perm(request, "consortia.view_consortium", consortium, hide=True)
    return consortium


def _invitation_out(invitation: ConsortiumInvitation, user, caps: dict | None = None) -> dict:
    caps = caps or {}
    return {
        "id": invitation.pk,
        "consortium": invitation.consortium_id,
        "organization": invitation.organization.slug,
        "organization_name": invitation.organization.display_name,
        "role": invitation.role.code,
        "status": invitation.status,
        "fitness": invitation.fitness,
        "capabilities": [_code(caps.get(c, c)) for c in invitation.capabilities_matched],
        "message": invitation.message,
        "created_at": invitation.created_at,
        "responded_at": invitation.responded_at,
        "can_respond": user.has_perm("consortia.respond_invitation", invitation),
        "can_withdraw": user.has_perm("consortia.withdraw_invitation", invitation),
    }


def _consortium_detail(request, consortium: Consortium) -> Consortium:
    """The consortium with its coverage per role and its invitations (selectors.consortium_page: a
    fixed number of queries)."""
    page = selectors.consortium_page(consortium=consortium)
    user = request.user
    for invitation in page["invitations"]:
        invitation.consortium = consortium  # the rules read the lead: no query per row
    consortium.complete = page["coverage"]["complete"]
    consortium.can_invite = user.has_perm("consortia.invite_member", consortium) and not consortium.proposal_id
    consortium.api_coverage = [
        {
            "role": row["role"].code,
            "role_id": row["role"].pk,
            "role_name": row["role"].name,
            "min_members": row["role"].min_members,
            "max_members": row["role"].max_members,
            "members": [
                {
                    "organization": m.organization.slug,
                    "organization_name": m.organization.display_name,
                    "fitness": m.fitness,
                    "capabilities": [_code(c) for c in m.capability_objects],
                }
                for m in row["members"]
            ],
            "pending": len(row["pending"]),
            "filled": row["filled"],
            "full": row["full"],
        }
        for row in page["coverage"]["rows"]
    ]
    consortium.api_invitations = [
        {**_invitation_out(i, user), "capabilities": [_code(c) for c in i.capability_objects]}
        for i in page["invitations"]
    ]
    return consortium


def _invitation(request, invitation_id: int) -> ConsortiumInvitation:
    invitation = (
        ConsortiumInvitation.objects.select_related("consortium", "organization", "role")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    ensure_perm(request, "consortia.view_consortium", invitation.consortium, hide=True)
    return invitation


def _allowed_or_raise(request, perm: str, invitation: ConsortiumInvitation, is_actor) -> None:
    """403 unless the caller is the one who may act on the invitation; 409 `refused` when they are,
    but it is no longer pending."""
    if request.user.has_perm(perm, invitation):
        return
    if not is_actor(request.user, invitation):
        raise PermissionDenied
    raise _refused(services.Refused(_("This invitation has already been answered or withdrawn.")))


# --------------------------------------------------------------------------------------------
# Missions and roles
# --------------------------------------------------------------------------------------------
@router.get(
    "/missions",
    response=page_of(MissionOut),
    auth=PUBLIC,
    summary="Missions",
    description="Every mission (public), newest first; `city` keeps one city's.",
)
def mission_list(request, filters: Query[MissionFilters]):
    city = None
    if filters.city is not None:
        try:
            city = core_selectors.city_get(slug=filters.city)
        except Http404 as exc:
            raise _invalid("query.city", _("No such city.")) from exc
    qs = selectors.mission_list(city=city)
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.get(
    "/missions/{mission_id}",
    response=MissionDetailOut,
    auth=PUBLIC,
    summary="A mission with its roles",
)
def mission_detail(request, mission_id: int = _id("The mission's id.")):
    return _mission(mission_id)


@router.post(
    "/missions/{mission_id}/roles",
    response={201: ConsortiumRoleOut},
    summary="Add a role to a mission",
    description="The mission's managers (innovation managers of its city, platform admins).",
)
def mission_role_create(request, payload: RoleIn, mission_id: int = _id("The mission's id.")):
    return Status(201, _role_create(request, _target(request, "mission", mission_id), payload))


@router.patch("/missions/{mission_id}/roles/{role_id}", response=ConsortiumRoleOut, summary="Change a mission's role")
def mission_role_update(
    request, payload: RolePatch, mission_id: int = _id("The mission's id."), role_id: int = _id("The role's id.")
):
    return _role_update(request, _target(request, "mission", mission_id), role_id, payload)


@router.delete(
    "/missions/{mission_id}/roles/{role_id}",
    response={204: None},
    summary="Remove a mission's role",
    description="Refused (409) while a consortium has a member or an invitation for it.",
    openapi_extra=REFUSED_DOC,
)
def mission_role_delete(request, mission_id: int = _id("The mission's id."), role_id: int = _id("The role's id.")):
    return _role_delete(request, _target(request, "mission", mission_id), role_id)


@router.get(
    "/calls/{call_id}/consortium-roles",
    response=list[ConsortiumRoleOut],
    auth=PUBLIC,
    summary="The consortium roles of a call",
    description="404 unless you may see the call.",
)
def call_role_list(request, call_id: int = _id("The call's id.")):
    return list(selectors.roles_of(_target(request, "call", call_id)))


@router.post(
    "/calls/{call_id}/consortium-roles",
    response={201: ConsortiumRoleOut},
    summary="Add a consortium role to a call",
    description="The call's managers (innovation managers of its city, platform admins).",
)
def call_role_create(request, payload: RoleIn, call_id: int = _id("The call's id.")):
    return Status(201, _role_create(request, _target(request, "call", call_id), payload))


@router.patch("/calls/{call_id}/consortium-roles/{role_id}", response=ConsortiumRoleOut, summary="Change a call's role")
def call_role_update(
    request, payload: RolePatch, call_id: int = _id("The call's id."), role_id: int = _id("The role's id.")
):
    return _role_update(request, _target(request, "call", call_id), role_id, payload)


@router.delete(
    "/calls/{call_id}/consortium-roles/{role_id}",
    response={204: None},
    summary="Remove a call's role",
    description="Refused (409) while a consortium has a member or an invitation for it.",
    openapi_extra=REFUSED_DOC,
)
def call_role_delete(request, call_id: int = _id("The call's id."), role_id: int = _id("The role's id.")):
    return _role_delete(request, _target(request, "call", call_id), role_id)


# --------------------------------------------------------------------------------------------
# Proposal runs
# --------------------------------------------------------------------------------------------
PROPOSE_DESCRIPTION = (
    "The target's managers. Runs the exact optimiser over the eligible candidates of every role and "
    "stores the run: the `top` best consortia with members, roles, fitness, matched capabilities, "
    "objective and gap, or the roles nobody eligible can fill. 409 `refused` without roles."
)


@router.post(
    "/missions/{mission_id}/proposals-run",
    response={201: RunOut},
    summary="Propose consortia for a mission",
    description=PROPOSE_DESCRIPTION,
    openapi_extra=REFUSED_DOC,
)
def mission_propose(request, payload: ProposeIn, mission_id: int = _id("The mission's id.")):
    return _propose(request, _target(request, "mission", mission_id), payload)


@router.post(
    "/calls/{call_id}/consortium-runs",
    response={201: RunOut},
    summary="Propose consortia for a call",
    description=PROPOSE_DESCRIPTION,
    openapi_extra=REFUSED_DOC,
)
def call_propose(request, payload: ProposeIn, call_id: int = _id("The call's id.")):
    return _propose(request, _target(request, "call", call_id), payload)


@router.get(
    "/consortium-runs/{run_id}",
    response=RunOut,
    summary="A proposal run",
    description="The target's managers and members of the organizations proposed in it; 404 for others.",
)
def run_detail(request, run_id: int = _id("The run's id.")):
    run = selectors.run_get(pk=run_id)
    ensure_perm(request, "consortia.view_run", run, hide=True)
    return _run_out(run, request.user)


@router.post(
    "/consortium-runs/{run_id}/form",
    response={201: ConsortiumDetailOut},
    summary="Form a proposed consortium",
    description="An admin of the lead organization, which must be a member of the consortium proposed at `rank`. "
    "The lead's seats become accepted members; the lead's admins then invite the others. 409 `refused` "
    "when the lead already leads a consortium for the target or the roles changed since the run.",
    openapi_extra=REFUSED_DOC,
)
def consortium_form(request, payload: FormIn, run_id: int = _id("The run's id.")):
    run = selectors.run_get(pk=run_id)
    ensure_perm(request, "consortia.form_consortium", run, hide=True)
    lead = Organization.objects.filter(slug=payload.lead).first()
    if lead is None:
        raise _invalid("body.lead", _("No such organization."))
    try:
        consortium = services.consortium_form(run=run, rank=payload.rank, lead=lead, by=request.user)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return Status(201, _consortium_detail(request, selectors.consortium_get(pk=consortium.pk)))


# --------------------------------------------------------------------------------------------
# Consortia and invitations
# --------------------------------------------------------------------------------------------
@router.get(
    "/consortia",
    response=page_of(ConsortiumOut),
    summary="Consortia you may see",
    description="Without a filter: the consortia your organizations lead or belong to. With `mission` or `call`: "
    "that target's consortia you may see (all of them for its managers; else those your organizations "
    "lead, belong to or are invited to), as on the target's page.",
)
def consortium_list(request, filters: Query[ConsortiumFilters]):
    if filters.mission is not None and filters.call is not None:
        raise _invalid("query.call", _("Give a mission or a call, not both."))
    if filters.mission is not None or filters.call is not None:
        try:
            target = _target(request, "mission" if filters.mission else "call", filters.mission or filters.call)
        except Http404 as exc:
            name = "query.mission" if filters.mission else "query.call"
            raise _invalid(name, _("No such mission or call.")) from exc
        manager = request.user.has_perm("consortia.manage_roles", target)
        qs = selectors.consortia_visible(target=target, user=request.user, manager=manager)
    else:
        qs = selectors.consortia_for_user(user=request.user)
    return paginate(order(qs, filters.ordering, default=("-created_at",)), filters)


@router.get(
    "/consortia/{consortium_id}",
    response=ConsortiumDetailOut,
    summary="A consortium",
    description="Its roles with the accepted members and pending invitations, and every invitation. The target's "
    "managers and members of the lead, member and invited organizations; 404 for others.",
)
def consortium_detail(request, consortium_id: int = _id("The consortium's id.")):
    return _consortium_detail(request, _consortium(request, consortium_id))


@router.post(
    "/consortia/{consortium_id}/invitations",
    response={201: ConsortiumInvitationOut},
    summary="Invite an organization to a role",
    description="The lead's admins. 409 `refused` when the role is full, the organization is not eligible, "
    "already fills the role or has a pending invitation for it, or the consortium has applied.",
    openapi_extra=REFUSED_DOC,
)
def consortium_invite(request, payload: InviteIn, consortium_id: int = _id("The consortium's id.")):
    consortium = _consortium(request, consortium_id)
    ensure_perm(request, "consortia.invite_member", consortium)
    role = MissionRole.objects.filter(
        code=payload.role, mission_id=consortium.mission_id, call_id=consortium.call_id
    ).first()
    if role is None:
        raise _invalid("body.role", _("No role of this consortium has this code."))
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise _invalid("body.organization", _("No such organization."))
    try:
        invitation = services.consortium_invite(
            consortium=consortium, role=role, organization=organization, by=request.user, message=payload.message
        )
    except services.Refused as exc:
        raise _refused(exc) from exc
    invitation = ConsortiumInvitation.objects.select_related("consortium", "organization", "role").get(pk=invitation.pk)
    return Status(201, _invitation_out(invitation, request.user))


@router.post(
    "/consortium-invitations/{invitation_id}/respond",
    response=ConsortiumInvitationOut,
    summary="Accept or decline an invitation",
    description="An admin of the invited organization, while the invitation is pending (409 `refused` after it "
    "was answered or withdrawn, or when accepting would overfill the role or the consortium).",
    openapi_extra=REFUSED_DOC,
)
def invitation_respond(request, payload: RespondIn, invitation_id: int = _id("The invitation's id.")):
    invitation = _invitation(request, invitation_id)
    _allowed_or_raise(request, "consortia.respond_invitation", invitation, is_invited_org_admin)
    try:
        invitation = services.invitation_respond(invitation=invitation, by=request.user, accept=payload.accept)
    except services.Refused as exc:
        raise _refused(exc) from exc
    return _invitation_out(_invitation(request, invitation.pk), request.user)


@router.post(
    "/consortium-invitations/{invitation_id}/withdraw",
    response=ConsortiumInvitationOut,
    summary="Withdraw an invitation",
    description="The lead's admins, while the invitation is pending (409 `refused` after it).",
    openapi_extra=REFUSED_DOC,
)
def invitation_withdraw(request, invitation_id: int = _id("The invitation's id.")):
    invitation = _invitation(request, invitation_id)
    _allowed_or_raise(request, "consortia.withdraw_invitation", invitation, is_invitation_lead_admin)
    invitation = services.invitation_withdraw(invitation=invitation, by=request.user)
    return _invitation_out(_invitation(request, invitation.pk), request.user)
