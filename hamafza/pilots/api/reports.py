"""A pilot's final report: outcome, each KPI's baseline / target / achieved, lessons and the
recommendation; written by the host unit's staff or the managers, approved by a manager."""

from __future__ import annotations

import datetime
import decimal
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import selectors, services
from hamafza.pilots.api.common import REFUSED_DOC, pilot_for
from hamafza.pilots.models import FinalReport

router = ApiRouter()


class FinalReportLineOut(Schema):
    kpi: int = Field(alias="kpi_id")
    name: str = Field(alias="kpi.name")
    baseline: float | None
    target: float | None
    achieved: float | None
    target_met: bool | None


class FinalReportOut(Schema):
    outcome: str
    lessons: str
    recommendation: Literal[tuple(FinalReport.Recommendation.values)]  # type: ignore[valid-type]
    status: Literal[tuple(FinalReport.Status.values)]  # type: ignore[valid-type]
    approved_at: datetime.datetime | None
    lines: list[FinalReportLineOut] = Field(alias="api_lines")


class AchievedIn(Schema):
    kpi: int = Field(ge=1, le=MAX_ID)
    achieved: decimal.Decimal = Field(max_digits=16, decimal_places=2)


class FinalReportIn(InputSchema):
    outcome: str = Field(min_length=1, max_length=20_000, pattern=NO_NUL)
    lessons: str = Field("", max_length=20_000, pattern=NO_NUL)
    recommendation: Literal[tuple(FinalReport.Recommendation.values)]  # type: ignore[valid-type]
    achieved: list[AchievedIn] = Field(
        [], max_length=50, description="Per KPI; a KPI left out takes its last measurement."
    )


def _report(pilot) -> FinalReport:
    report = selectors.final_report_of(pilot=pilot)
    if report is None:
        raise Http404
    report.api_lines = list(report.lines.all())
    return report


@router.get("/pilots/{pilot_id}/final-report", response=FinalReportOut, summary="The final report of a pilot")
def report_detail(request, pilot_id: int = id_param("The pilot's id.")):
    return _report(pilot_for(request, pilot_id))


@router.put(
    "/pilots/{pilot_id}/final-report",
    response=FinalReportOut,
    summary="Write the final report",
    description="The host unit's staff and the city's managers, while the pilot runs or is paused and the report "
    "is not approved (409 `refused` otherwise).",
    openapi_extra=REFUSED_DOC,
)
def report_save(request, payload: FinalReportIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.write_final_report")
    kpis = set(pilot.kpis.values_list("pk", flat=True))
    achieved = {}
    for row in payload.achieved:
        if row.kpi not in kpis:
            raise invalid("body.achieved", _("No KPI of this pilot has the id %(id)s.") % {"id": row.kpi})
        achieved[row.kpi] = row.achieved
    services.final_report_save(
        pilot=pilot,
        by=request.user,
        outcome=payload.outcome,
        lessons=payload.lessons,
        recommendation=payload.recommendation,
        achieved=achieved,
    )
    return _report(pilot)


@router.post(
    "/pilots/{pilot_id}/final-report/approve",
    response=FinalReportOut,
    summary="Approve the final report",
    description="The city's managers (409 `refused` without a report, or with a KPI missing its achieved value).",
    openapi_extra=REFUSED_DOC,
)
def report_approve(request, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.approve_final_report")
    services.final_report_approve(pilot=pilot, by=request.user)
    return _report(pilot)
