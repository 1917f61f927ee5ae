"""A panel's rubric: the weighted criteria the judges score, replaced as a whole while the panel is
being set up (frozen once scoring starts)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_NOW_DOC, PanelStatus, managed_panel
from hamafza.proposals.models import Panel

router = ApiRouter(refused_as="panel")


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int
    scale_max: int
    position: int


class RubricOut(Schema):
    panel: int
    status: PanelStatus
    editable: bool = Field(description="true while the panel is being set up (before scoring starts).")
    total_weight: int = Field(description="The sum of the criteria's weights (100 for a valid rubric).")
    criteria: list[CriterionOut]


def _rubric_out(panel: Panel) -> dict:
    criteria = selectors.rubric(panel=panel)
    return {
        "panel": panel.pk,
        "status": panel.status,
        "editable": panel.rubric_editable,
        "total_weight": sum(c.weight for c in criteria),
        "criteria": criteria,
    }


class CriterionIn(InputSchema):
    id: int | None = Field(None, ge=1, le=MAX_ID, description="An existing criterion's id; leave it out to add one.")
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=5000, pattern=NO_NUL, description="Guidance for the judges.")
    weight: int = Field(ge=1, le=100)
    scale_max: int = Field(10, ge=1, le=100, description="The highest score (1–100).")


class RubricIn(InputSchema):
    """The whole rubric, in order: criteria sent with an `id` change, without one are added, left out are
    removed."""

    criteria: list[CriterionIn] = Field(min_length=1, max_length=50)


@router.get(
    "/calls/{call_id}/panel/rubric",
    response=RubricOut,
    summary="A panel's rubric",
    description="The city's innovation managers (403 for others who may see the call; 404 before the panel "
    "exists). The judges read the criteria on their score sheets.",
)
def rubric_detail(request, call_id: int = id_param("The call's id.")):
    return _rubric_out(managed_panel(request, call_id))


@router.put(
    "/calls/{call_id}/panel/rubric",
    response=RubricOut,
    summary="Replace a panel's rubric",
    description="The city's innovation managers, while the panel is being set up (409 `refused` once scoring "
    "has started: the rubric is frozen). The weights must add up to 100 (400 naming `body.criteria`); each "
    "weight and highest score is 1–100 (400 naming `body.criteria.<i>.weight` or `.scale_max`). Criteria sent "
    "with their `id` change, the ones without are added, the ones left out are removed, in the order sent; "
    "all or nothing.",
    openapi_extra=REFUSED_NOW_DOC,
)
def rubric_replace(request, payload: RubricIn, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    existing = {c.pk: c for c in selectors.rubric(panel=panel)}
    errors, seen = [], set()
    for i, item in enumerate(payload.criteria):
        if item.id is not None and item.id not in existing:
            errors.append({"name": f"body.criteria.{i}.id", "message": _("Not a criterion of this rubric.")})
        elif item.id is not None and item.id in seen:
            errors.append({"name": f"body.criteria.{i}.id", "message": _("This criterion is given twice.")})
        seen.add(item.id)
    weight_problem = services.rubric_weight_problem(item.weight for item in payload.criteria)
    if weight_problem:
        errors.append({"name": "body.criteria", "message": weight_problem})
    if errors:
        raise invalid_parameters(errors)
    index = 0
    try:
        with transaction.atomic():  # all or nothing
            kept = {item.id for item in payload.criteria if item.id is not None}
            for pk, criterion in existing.items():
                if pk not in kept:
                    services.rubric_criterion_remove(criterion=criterion, by=request.user)
            for i, item in enumerate(payload.criteria):
                index = i
                services.rubric_criterion_save(
                    panel=panel,
                    by=request.user,
                    criterion=existing.get(item.id) if item.id is not None else None,
                    name=item.name,
                    weight=item.weight,
                    scale_max=item.scale_max,
                    description=item.description.strip(),
                    position=i,
                )
    except ValidationError as exc:
        raise invalid_parameters(
            [
                {
                    "name": f"body.criteria.{index}" + (f".{key}" if key in CriterionIn.model_fields else ""),
                    "message": m,
                }
                for key, messages in getattr(exc, "message_dict", {"__all__": exc.messages}).items()
                for m in messages
            ]
        ) from exc
    return _rubric_out(selectors.panel_for_call(call=panel.call))
