"""A pilot's KPIs (copied from the canvas, refined by the managers) and their measurements
(recorded by the host unit's staff, the company or the managers while the pilot runs)."""

from __future__ import annotations

import datetime
import decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import rules, selectors, services
from hamafza.pilots.api.common import REFUSED_DOC, pilot_for
from hamafza.pilots.models import Kpi, Measurement

router = ApiRouter()

DECIMAL = {"max_digits": 16, "decimal_places": 2}


class PilotKpiOut(Schema):
    id: int
    name: str
    unit: str
    baseline: float | None
    target: float | None
    target_date: datetime.date | None
    measure_every_days: int
    position: int


class PilotMeasurementOut(Schema):
    id: int
    kpi: int = Field(alias="kpi_id")
    value: float
    measured_on: datetime.date
    note: str
    evidence: int | None = Field(alias="api_evidence", description="The evidence file's id (for the confidential set).")
    recorded_at: datetime.datetime = Field(alias="created_at")


class PilotKpiIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    unit: str = Field("", max_length=60, pattern=NO_NUL)
    baseline: decimal.Decimal | None = Field(None, **DECIMAL)
    target: decimal.Decimal | None = Field(None, **DECIMAL)
    target_date: datetime.date | None = None
    measure_every_days: int = Field(30, ge=1, le=366)


class PilotKpiPatch(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL)
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL)
    baseline: decimal.Decimal | None = Field(None, **DECIMAL)
    target: decimal.Decimal | None = Field(None, **DECIMAL)
    target_date: datetime.date | None = None
    measure_every_days: int | None = Field(None, ge=1, le=366)


class PilotMeasurementIn(InputSchema):
    value: decimal.Decimal = Field(**DECIMAL)
    measured_on: datetime.date = Field(description="Not in the future.")
    note: str = Field("", max_length=2000, pattern=NO_NUL)
    evidence: int | None = Field(None, ge=1, le=2**31 - 1, description="The id of one of the pilot's files.")


def _kpi(pilot, kpi_id: int) -> Kpi:
    kpi = pilot.kpis.filter(pk=kpi_id).first()
    if kpi is None:
        raise Http404
    return kpi


@router.get("/pilots/{pilot_id}/kpis", response=list[PilotKpiOut], summary="The KPIs of a pilot")
def kpi_list(request, pilot_id: int = id_param("The pilot's id.")):
    return list(pilot_for(request, pilot_id).kpis.order_by("position", "pk"))


@router.post(
    "/pilots/{pilot_id}/kpis",
    response={201: PilotKpiOut},
    summary="Add a KPI",
    description="The city's managers, while the pilot is open (409 `refused` after).",
    openapi_extra=REFUSED_DOC,
)
def kpi_add(request, payload: PilotKpiIn, pilot_id: int = id_param("The pilot's id.")):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    return Status(201, services.kpi_save(pilot=pilot, by=request.user, **payload.model_dump()))


@router.patch(
    "/pilots/{pilot_id}/kpis/{kpi_id}",
    response=PilotKpiOut,
    summary="Refine a KPI",
    description="The city's managers, while the pilot is open. Fields left out are kept.",
    openapi_extra=REFUSED_DOC,
)
def kpi_update(
    request,
    payload: PilotKpiPatch,
    pilot_id: int = id_param("The pilot's id."),
    kpi_id: int = id_param("The KPI's id."),
):
    pilot = pilot_for(request, pilot_id, "pilots.manage_pilot")
    kpi = _kpi(pilot, kpi_id)
    changes = payload.model_dump(exclude_unset=True)
    nulls = [n for n in ("name", "unit", "measure_every_days") if n in changes and changes[n] is None]
    if nulls:
        raise invalid_parameters([{"name": f"body.{n}", "message": _("This field cannot be null.")} for n in nulls])
    return services.kpi_save(pilot=pilot, by=request.user, kpi=kpi, **changes)


class MeasurementFilters(ListQuery):
    pass


def _measurement_rows(request, pilot, qs):
    confidential = rules.can(request.user, "pilots.view_pilot_confidential", pilot)
    rows = list(qs)
    for m in rows:
        m.api_evidence = m.evidence_id if confidential else None
    return rows


@router.get(
    "/pilots/{pilot_id}/kpis/{kpi_id}/measurements",
    response=page_of(PilotMeasurementOut),
    summary="The measurements of a KPI",
    description="Oldest first (the chart's order).",
)
def measurement_list(
    request,
    filters: Query[MeasurementFilters],
    pilot_id: int = id_param("The pilot's id."),
    kpi_id: int = id_param("The KPI's id."),
):
    pilot = pilot_for(request, pilot_id)
    kpi = _kpi(pilot, kpi_id)
    page = paginate(Measurement.objects.filter(kpi=kpi).order_by("measured_on", "pk"), filters)
    page["items"] = _measurement_rows(request, pilot, page["items"])
    return page


@router.post(
    "/pilots/{pilot_id}/kpis/{kpi_id}/measurements",
    response={201: PilotMeasurementOut},
    summary="Record a measurement",
    description="The host unit's staff, the party organizations' members and the city's managers, while the "
    "pilot runs or is paused (409 `refused` otherwise, or for a date in the future).",
    openapi_extra=REFUSED_DOC,
)
def measurement_add(
    request,
    payload: PilotMeasurementIn,
    pilot_id: int = id_param("The pilot's id."),
    kpi_id: int = id_param("The KPI's id."),
):
    pilot = pilot_for(request, pilot_id, "pilots.record_measurement")
    kpi = _kpi(pilot, kpi_id)
    evidence = None
    if payload.evidence is not None:
        evidence = selectors.pilot_files_visible_to(request.user).filter(pk=payload.evidence, pilot=pilot).first()
        if evidence is None:
            raise invalid("body.evidence", _("No file of this pilot has this id."))
    m = services.measurement_record(
        kpi=kpi,
        by=request.user,
        value=payload.value,
        measured_on=payload.measured_on,
        note=payload.note,
        evidence=evidence,
    )
    return Status(201, _measurement_rows(request, pilot, [m])[0])
