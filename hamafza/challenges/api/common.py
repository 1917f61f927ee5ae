"""What the resources of the challenges API share: the call as the rules let the caller see it,
the output of a domain and capabilities, the 409 documentation of a refused state-machine step."""

from __future__ import annotations

from typing import Literal

from ninja import Schema

from hamafza.challenges import selectors
from hamafza.challenges.models import Call, CallType
from hamafza.core.api.problems import problem_doc

CallState = Literal[tuple(Call.State.values)]  # type: ignore[valid-type]
CallTypeCode = Literal[tuple(CallType.values)]  # type: ignore[valid-type]

REFUSED_DOC = problem_doc("The state machine refuses this step now (`transition_refused`); `errors` say why.")


class TaggedOut(Schema):
    """Resolvers of `domain` (its code) and `capabilities` (their codes, sorted) for the needs and
    calls that declare those fields."""

    @staticmethod
    def resolve_domain(obj) -> str | None:
        return obj.domain.code if obj.domain_id else None

    @staticmethod
    def resolve_capabilities(obj) -> list[str]:
        return sorted(c.code for c in obj.capabilities.all())


def call_for(request, call_id: int, perm: str = "challenges.view_call") -> Call:
    """The call as the rules allow: 404 when it is not visible to you, 403 when visible but `perm`
    is refused (selectors.call_get)."""
    return selectors.call_get(pk=call_id, user=request.user, perm=perm)


def call_reread(request, call: Call) -> Call:
    """The call as saved, read again through the selector (as its page reads it)."""
    return selectors.call_get(pk=call.pk, user=request.user)
