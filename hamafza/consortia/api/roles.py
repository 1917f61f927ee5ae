"""The roles of a value chain, of a mission (`/missions/{id}/roles`) or of a call
(`/calls/{id}/consortium-roles`): read by whoever may see the target, changed by its managers."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Status

from hamafza.consortia import selectors, services
from hamafza.consortia.api.common import REFUSED_DOC, SLUG, ConsortiumRoleOut, target_of
from hamafza.consortia.models import Mission, MissionRole
from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.params import NO_NUL, InputSchema, capabilities_from_codes, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter

router = ApiRouter()

CapabilityCode = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]


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
    values["capabilities"] = capabilities_from_codes(values["capabilities"], "body.capabilities")
    return _role_out(services.role_save(target=target, by=request.user, **values))


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
            raise invalid(f"body.{name}", _("This field cannot be null."))
        values[name] = capabilities_from_codes(value, "body.capabilities") if name == "capabilities" else value
    services.role_save(target=target, by=request.user, role=role, **values)
    return _role_out(role)


def _role_delete(request, target, role_id: int):
    ensure_perm(request, "consortia.manage_roles", target)
    services.role_delete(role=_role_of(target, role_id), by=request.user)
    return Status(204, None)


@router.post(
    "/missions/{mission_id}/roles",
    response={201: ConsortiumRoleOut},
    summary="Add a role to a mission",
    description="The mission's managers (innovation managers of its city, platform admins).",
)
def mission_role_create(request, payload: RoleIn, mission_id: int = id_param("The mission's id.")):
    return Status(201, _role_create(request, target_of(request, "mission", mission_id), payload))


@router.patch("/missions/{mission_id}/roles/{role_id}", response=ConsortiumRoleOut, summary="Change a mission's role")
def mission_role_update(
    request,
    payload: RolePatch,
    mission_id: int = id_param("The mission's id."),
    role_id: int = id_param("The role's id."),
):
    return _role_update(request, target_of(request, "mission", mission_id), role_id, payload)


@router.delete(
    "/missions/{mission_id}/roles/{role_id}",
    response={204: None},
    summary="Remove a mission's role",
    description="Refused (409) while a consortium has a member or an invitation for it.",
    openapi_extra=REFUSED_DOC,
)
def mission_role_delete(
    request, mission_id: int = id_param("The mission's id."), role_id: int = id_param("The role's id.")
):
    return _role_delete(request, target_of(request, "mission", mission_id), role_id)


@router.get(
    "/calls/{call_id}/consortium-roles",
    response=list[ConsortiumRoleOut],
    auth=PUBLIC,
    summary="The consortium roles of a call",
    description="404 unless you may see the call.",
)
def call_role_list(request, call_id: int = id_param("The call's id.")):
    return list(selectors.roles_of(target_of(request, "call", call_id)))


@router.post(
    "/calls/{call_id}/consortium-roles",
    response={201: ConsortiumRoleOut},
    summary="Add a consortium role to a call",
    description="The call's managers (innovation managers of its city, platform admins).",
)
def call_role_create(request, payload: RoleIn, call_id: int = id_param("The call's id.")):
    return Status(201, _role_create(request, target_of(request, "call", call_id), payload))


@router.patch("/calls/{call_id}/consortium-roles/{role_id}", response=ConsortiumRoleOut, summary="Change a call's role")
def call_role_update(
    request, payload: RolePatch, call_id: int = id_param("The call's id."), role_id: int = id_param("The role's id.")
):
    return _role_update(request, target_of(request, "call", call_id), role_id, payload)


@router.delete(
    "/calls/{call_id}/consortium-roles/{role_id}",
    response={204: None},
    summary="Remove a call's role",
    description="Refused (409) while a consortium has a member or an invitation for it.",
    openapi_extra=REFUSED_DOC,
)
def call_role_delete(request, call_id: int = id_param("The call's id."), role_id: int = id_param("The role's id.")):
    return _role_delete(request, target_of(request, "call", call_id), role_id)
