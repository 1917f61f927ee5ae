"""What the resources of the consortia API share: the target of roles and runs (a mission or a
call), the role schema, capability codes and the 409 documentation of a refused step."""

from __future__ import annotations

from ninja import Field, Schema

from hamafza.consortia import selectors
from hamafza.consortia.models import MissionRole
from hamafza.core.api.problems import problem_doc
from hamafza.core.models import Capability

SLUG = r"^[-a-zA-Z0-9_]+$"

REFUSED_DOC = problem_doc("Refused now (`refused`, with the reasons in `errors`).")


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


def code_of(value) -> str:
    """A capability (or its code, when it no longer exists) as its code."""
    return value.code if isinstance(value, Capability) else str(value)


def target_of(request, kind: str, pk: int):
    """The mission (public) or the call (as the rules let the caller see it) roles and runs are for."""
    if kind == "mission":
        return selectors.mission_get(pk=pk)
    return selectors.call_target_get(call_id=pk, user=request.user)
