"""A call's problem-definition canvas, edited with optimistic locking: a canvas saved by someone
else since the caller's version is a 409 `conflict` problem carrying the current version and content."""

from __future__ import annotations

import datetime
import decimal

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamafza.challenges import services
from hamafza.challenges.api.calls import Criterion, PublicCanvasOut
from hamafza.challenges.api.common import call_for
from hamafza.challenges.completeness import canvas_completeness
from hamafza.challenges.models import Canvas
from hamafza.core.api.params import (
    MAX_ID,
    NO_NUL,
    ApiDate,
    InputSchema,
    capabilities_from_codes,
    domain_from_code,
    id_param,
    unit_from_slug,
)
from hamafza.core.api.problems import PROBLEM_REF, ApiError, problem_doc
from hamafza.core.api.routers import ApiRouter
from hamafza.core.text import normalize

router = ApiRouter()


class CompletenessItem(Schema):
    key: str
    label: str
    message: str


class CompletenessOut(Schema):
    score: int = Field(description="Out of 100.")
    missing: list[CompletenessItem] = Field(description="What blocks marking the canvas ready.")
    weak: list[CompletenessItem] = Field(description="Advice.")


class CanvasOut(PublicCanvasOut):
    call: int = Field(alias="call_id")
    version: int = Field(description="Send it back with PUT: a save based on an older version is refused.")
    title: str = Field(alias="call.title")
    description: str = Field(alias="call.description")
    domain: str | None
    capabilities: list[str]
    criteria: list[Criterion]
    updated_at: datetime.datetime
    editable: bool = Field(description="Whether you may change it now.")
    completeness: CompletenessOut

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
    target_date: ApiDate | None = None
    constraints_text: str = Field("", max_length=20_000, pattern=NO_NUL)
    budget_min_rial: int | None = Field(None, ge=0, le=10**17)
    budget_max_rial: int | None = Field(None, ge=0, le=10**17)
    timeline: str = Field("", max_length=20_000, pattern=NO_NUL)
    available_data: str = Field("", max_length=20_000, pattern=NO_NUL)
    pilot_unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="A unit slug of the call's city.")
    criteria: list[Criterion] = Field([], max_length=20)


def _canvas(request, call_id: int) -> Canvas:
    call = call_for(request, call_id, "challenges.view_call_internal")
    canvas = call.canvas
    canvas.call = call  # the call as read (with its city, unit and capabilities)
    return canvas


CONFLICT_DOC = problem_doc(
    "Someone saved the canvas since your version (`conflict`): nothing was changed.",
    {
        "allOf": [
            PROBLEM_REF,
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
)


@router.get(
    "/calls/{call_id}/canvas",
    response=CanvasOut,
    summary="A call's problem-definition canvas",
    description="The people who work on the call: its city's innovation manager, its unit's staff, its "
    "assigned facilitators, platform admins.",
)
def canvas_detail(request, call_id: int = id_param("The call's id.")):
    return _canvas(request, call_id)


@router.put(
    "/calls/{call_id}/canvas",
    response=CanvasOut,
    summary="Save a call's canvas",
    description="Its city's innovation manager, its unit's staff and its facilitators, until publication. "
    "Send the `version` you read: if someone saved since, nothing is changed and the answer is a 409 "
    "`conflict` problem with the current version and content, to merge and send again.",
    openapi_extra=CONFLICT_DOC,
)
def canvas_update(request, payload: CanvasIn, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id, "challenges.view_call_internal")
    values = payload.model_dump()
    version = values.pop("version")
    values["domain"] = domain_from_code(values["domain"], "body.domain")
    capabilities = capabilities_from_codes(values.pop("capabilities"), "body.capabilities")
    values["pilot_unit"] = unit_from_slug(call.city, values["pilot_unit"], "body.pilot_unit")
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
        raise ApiError(
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
            current_version=exc.canvas.version,
            current=current.model_dump(mode="json"),
        ) from exc
    return _canvas(request, call.pk)
