"""A call's evaluation panel, managed by the city's innovation managers: its judges, its progress
(who scored what), starting and closing scoring, and reminding the judges. A step the services
refuse now is a 409 ``refused`` problem whose ``errors``, named ``panel``, give the reasons."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from hamafza.accounts.models import CityRole
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import (
    REFUSED_NOW_DOC,
    PanelStatus,
    managed_call,
    managed_panel,
    stale_version,
)
from hamafza.proposals.api.rubric import CriterionOut
from hamafza.proposals.models import Panel, PanelMember

router = ApiRouter(refused_as="panel")

CellState = Literal["conflict", "undeclared", "complete", "partial", "todo"]


class MemberOut(Schema):
    id: int = Field(description="The panel member's id (the `judge` of a score).")
    user: int = Field(alias="user_id", description="The judge's user id.")
    name: str = Field(alias="user.display_name")
    email: str = Field(alias="user.email")
    source: Literal[tuple(PanelMember.Source.values)]  # type: ignore[valid-type]
    last_reminded_at: datetime.datetime | None


class PanelProposalOut(Schema):
    id: int
    title: str
    organization: str = Field(description="The applicant organization's slug.")


class ProgressCellOut(Schema):
    proposal: int
    state: CellState = Field(
        description="`undeclared` (no declaration yet), `conflict`, `todo`, `partial` or `complete`."
    )


class ProgressRowOut(Schema):
    member: int = Field(description="The panel member's id.")
    missing: int = Field(description="Proposals this judge has still to declare on or score.")
    cells: list[ProgressCellOut]


class PanelOut(Schema):
    id: int
    call: int
    status: PanelStatus = Field(description="`setup` (the rubric can change), `scoring` or `closed`.")
    blind_review: bool
    method: str = Field(description="The aggregation method.")
    normalise: bool = Field(description="Scores normalised per judge (z-scores) before aggregating.")
    trim: Decimal = Field(description="The share trimmed at each end by the trimmed mean.")
    disagreement_threshold: Decimal = Field(description="The standard deviation (0–100) above which judges disagree.")
    publish_scores: bool = Field(description="Whether scores are shown on the public results page.")
    scoring_deadline: datetime.datetime | None = Field(
        description="When the judges should have scored every proposal (null: no deadline). Judges with work "
        "missing are reminded by email a few days before it."
    )
    version: int
    scoring_started_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    rubric: list[CriterionOut]
    members: list[MemberOut]
    proposals: list[PanelProposalOut] = Field(description="The call's submitted proposals (the progress columns).")
    progress: list[ProgressRowOut] = Field(description="Who scored what: a row per judge, a cell per proposal.")
    missing: int = Field(description="Declarations and scores still missing across the panel.")


def _panel_out(panel: Panel) -> dict:
    progress = selectors.panel_progress(panel=panel)
    return {
        "id": panel.pk,
        "call": panel.call_id,
        "status": panel.status,
        "blind_review": panel.blind_review,
        "method": panel.method,
        "normalise": panel.normalise,
        "trim": panel.trim,
        "disagreement_threshold": panel.disagreement_threshold,
        "publish_scores": panel.publish_scores,
        "scoring_deadline": panel.scoring_deadline,
        "version": panel.version,
        "scoring_started_at": panel.scoring_started_at,
        "closed_at": panel.closed_at,
        "rubric": selectors.rubric(panel=panel),
        "members": progress["members"],
        "proposals": [
            {"id": p.pk, "title": p.title, "organization": p.organization.slug} for p in progress["proposals"]
        ],
        "progress": [
            {
                "member": row["member"].pk,
                "missing": row["missing"],
                "cells": [{"proposal": c["proposal"].pk, "state": c["state"]} for c in row["cells"]],
            }
            for row in progress["rows"]
        ],
        "missing": progress["missing"],
    }


@router.get(
    "/calls/{call_id}/panel",
    response=PanelOut,
    summary="A call's evaluation panel and its progress",
    description="The city's innovation managers (403 for others who may see the call). The rubric, the "
    "judges, the state, and who scored what as the evaluation page shows it. 404 before the panel exists.",
)
def panel_detail(request, call_id: int = id_param("The call's id.")):
    return _panel_out(managed_panel(request, call_id))


@router.post(
    "/calls/{call_id}/panel",
    response={200: PanelOut, 201: PanelOut},
    summary="Create a call's evaluation panel",
    description="The city's innovation managers. The rubric is copied from the call's evaluation criteria "
    "(each scored out of 10). 201 when created, 200 with the existing panel if there is one already.",
)
def panel_create(request, call_id: int = id_param("The call's id.")):
    call = managed_call(request, call_id)
    existed = selectors.panel_for_call(call=call) is not None
    panel = services.panel_create(call=call, by=request.user)
    return Status(200 if existed else 201, _panel_out(selectors.panel_for_call(call=panel.call)))


class PanelSettingsIn(InputSchema):
    """The settings to change; a field left out keeps its value (`scoring_deadline: null` removes the
    deadline)."""

    version: int = Field(ge=0, le=MAX_ID, description="The panel's `version` you read.")
    blind_review: bool | None = Field(None, description="Only before scoring starts (409 `refused` after).")
    method: Literal[tuple(Panel.Method.values)] | None = None  # type: ignore[valid-type]
    normalise: bool | None = None
    trim: Decimal | None = Field(None, ge=0, le=Decimal("0.45"), max_digits=3, decimal_places=2)
    disagreement_threshold: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    publish_scores: bool | None = None
    scoring_deadline: datetime.datetime | None = Field(
        None,
        description="A new deadline must be in the future (400 naming `body.scoring_deadline`); without a "
        "time zone it is read as Tehran time.",
    )


@router.patch(
    "/calls/{call_id}/panel",
    response=PanelOut,
    summary="Change the panel's settings",
    description="The city's innovation managers: blind review, the aggregation, publishing the scores and the "
    "scoring deadline, as the evaluation page's settings form does. Send the `version` you read: if someone "
    "saved in between, 409 `conflict` with `current_version` and nothing changes.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_settings_update(request, payload: PanelSettingsIn, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    values = {}
    for name in services.PANEL_SETTINGS:
        if name not in payload.model_fields_set:
            continue
        value = getattr(payload, name)
        if value is None and name != "scoring_deadline":
            raise invalid(f"body.{name}", _("This value cannot be empty; leave the field out to keep it."))
        if name == "scoring_deadline" and value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        values[name] = value
    try:
        services.panel_update_settings(panel=panel, by=request.user, expected_version=payload.version, **values)
    except services.StaleEdit as exc:
        current = Panel.objects.filter(pk=exc.obj.pk).values_list("version", flat=True).first() or 0
        raise stale_version(
            current,
            _(
                "Someone else saved these settings after version %(yours)s; they are now at version %(current)s. "
                "Nothing was changed."
            )
            % {"yours": payload.version, "current": current},
        ) from exc
    return _panel_out(selectors.panel_for_call(call=panel.call))


class JudgeIn(InputSchema):
    """One of `user` or `email`: a user holding the judge role in the call's city."""

    user: int | None = Field(None, ge=1, le=MAX_ID, description="The judge's user id.")
    email: str | None = Field(None, min_length=3, max_length=254, pattern=NO_NUL, description="The judge's email.")


@router.post(
    "/calls/{call_id}/panel/judges",
    response={200: MemberOut, 201: MemberOut},
    summary="Add a judge of the city to the panel",
    description="The city's innovation managers. Only a user with the judge role in the call's city can be "
    "added directly (otherwise 400 naming the field); outside experts are invited by email (`POST "
    "/calls/{call_id}/panel/invitations`). 201 when added, 200 if they are already on the panel.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_judge_add(request, payload: JudgeIn, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    if (payload.user is None) == (payload.email is None):
        raise invalid("body", _("Give either the judge's user id or their email."))
    candidates = get_user_model().objects.filter(
        is_active=True, city_roles__city_id=panel.city_id, city_roles__role=CityRole.Role.JUDGE
    )
    if payload.user is not None:
        judge, field = candidates.filter(pk=payload.user).first(), "body.user"
    else:
        judge, field = candidates.filter(email__iexact=payload.email.strip()).first(), "body.email"
    if judge is None:
        raise invalid(field, _("Not a judge of this city; invite outside experts by email instead."))
    existed = selectors.panel_member_get(user=judge, panel=panel) is not None
    member = services.panel_add_city_judge(panel=panel, user=judge, by=request.user)
    return Status(200 if existed else 201, member)


@router.post(
    "/calls/{call_id}/panel/start",
    response=PanelOut,
    summary="Start scoring",
    description='The city\'s innovation managers. The call must be closed (it moves to "in evaluation"), the '
    "rubric must have criteria and the panel a judge (409 `refused` with the reasons). The rubric is frozen "
    "from here on and the judges declare and score.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_start(request, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    services.panel_start_scoring(panel=panel, by=request.user)
    return _panel_out(selectors.panel_for_call(call=panel.call))


@router.post(
    "/calls/{call_id}/panel/close",
    response=PanelOut,
    summary="Close scoring",
    description="The city's innovation managers, while the panel is scoring (else 409 `refused`). No more "
    "scores; the judges may see each other's; decisions can be made.",
    openapi_extra=REFUSED_NOW_DOC,
)
def panel_close(request, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    services.panel_close(panel=panel, by=request.user)
    return _panel_out(selectors.panel_for_call(call=panel.call))


class RemindersOut(Schema):
    reminded: int = Field(description="How many judges with proposals still to declare on or score were emailed.")


@router.post(
    "/calls/{call_id}/panel/reminders",
    response=RemindersOut,
    summary="Remind the judges",
    description="The city's innovation managers, while the panel is scoring (409 `refused` otherwise). Emails "
    "every judge who still has proposals to declare on or score, as the evaluation page's button does.",
    openapi_extra=REFUSED_NOW_DOC,
)
def judges_remind(request, call_id: int = id_param("The call's id.")):
    panel = managed_panel(request, call_id)
    return {"reminded": services.judges_remind(panel=panel, by=request.user)}
