"""Programs (incubation or acceleration, run by an organization of that kind) and their cohorts.
Programs and cohorts are public; creating them is for the running organization's admins."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.models import Organization
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, cohort_for
from hamafza.programs.api.events import EventDetailOut, EventIn, EventKind, event_values, event_with_details
from hamafza.programs.models import Event, Program

router = ApiRouter()


class ProgramOut(Schema):
    id: int
    kind: Literal[tuple(Program.Kind.values)]  # type: ignore[valid-type]
    name: str
    description: str
    organization: str = Field(alias="organization.slug")
    city: str | None = Field(None, alias="city.slug")


class CohortOut(Schema):
    id: int
    program: int = Field(alias="program_id")
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    applications_open: bool
    demo_day: int | None = Field(alias="demo_day_id", description="The demo day event's id.")


class ProgramIn(InputSchema):
    organization: str = Field(max_length=120, pattern=NO_NUL, description="The running organization's slug.")
    kind: Literal[tuple(Program.Kind.values)]  # type: ignore[valid-type]
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=5000, pattern=NO_NUL)


class CohortIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    starts_on: datetime.date
    ends_on: datetime.date
    demo_day: int | None = Field(None, ge=1, le=MAX_ID, description="An event the caller organises.")


def _program(program_id: int) -> Program:
    program = selectors.program_list().filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


@router.get("/programs", response=page_of(ProgramOut), auth=PUBLIC, summary="Incubation and acceleration programs")
def program_list(request, query: Query[ListQuery]):
    return paginate(selectors.program_list(), query)


@router.post(
    "/programs",
    response={201: ProgramOut},
    summary="Create a program",
    description="An admin of an incubator, science park (incubation) or accelerator (acceleration).",
    openapi_extra=REFUSED_DOC,
)
def program_create(request, payload: ProgramIn):
    organization = Organization.objects.filter(slug=payload.organization).first()
    if organization is None:
        raise Http404
    program = services.program_create(
        organization=organization,
        kind=payload.kind,
        name=payload.name,
        description=payload.description,
        city=organization.city,
        by=request.user,
    )
    return Status(201, program)


@router.get("/programs/{program_id}/cohorts", response=list[CohortOut], auth=PUBLIC, summary="The cohorts of a program")
def cohort_list(request, program_id: int = id_param("The program's id.")):
    return selectors.cohorts_of(program=_program(program_id))


@router.post(
    "/programs/{program_id}/cohorts",
    response={201: CohortOut},
    summary="Create a cohort",
    description="The program's managers; `demo_day` names an event they organise.",
    openapi_extra=REFUSED_DOC,
)
def cohort_create(request, payload: CohortIn, program_id: int = id_param("The program's id.")):
    program = _program(program_id)
    ensure_perm(request, "programs.manage_program", program)
    demo_day = None
    if payload.demo_day:
        try:
            demo_day = selectors.event_get_for(user=request.user, pk=payload.demo_day)
        except Event.DoesNotExist as exc:
            raise Http404 from exc
        ensure_perm(request, "programs.manage_event", demo_day)
    cohort = services.cohort_create(
        program=program, name=payload.name, starts_on=payload.starts_on, ends_on=payload.ends_on, by=request.user
    )
    if demo_day is not None:
        cohort = services.cohort_set_demo_day(cohort=cohort, event=demo_day, by=request.user)
    return Status(201, cohort)


@router.get("/cohorts/{cohort_id}", response=CohortOut, auth=PUBLIC, summary="A cohort")
def cohort_detail(request, cohort_id: int = id_param("The cohort's id.")):
    return cohort_for(cohort_id)


class DemoDayIn(EventIn):
    kind: EventKind = "pitch_day"


class DemoDayChoiceIn(InputSchema):
    event: int = Field(ge=1, le=MAX_ID, description="An upcoming event of the program's organization.")


@router.post(
    "/cohorts/{cohort_id}/demo-day",
    response={201: EventDetailOut},
    summary="Create the cohort's demo day",
    description="The program's managers: a draft event (a pitch day unless `kind` says otherwise) organised by the "
    "program's organization in the program's city; it replaces the cohort's previous demo day. `organiser_unit` "
    "is ignored.",
    openapi_extra=REFUSED_DOC,
)
def demo_day_create(request, payload: DemoDayIn, cohort_id: int = id_param("The cohort's id.")):
    cohort = cohort_for(cohort_id)
    ensure_perm(request, "programs.manage_program", cohort)
    city = cohort.program.city or cohort.program.organization.city
    if city is None:
        raise services.Refused(_("The program has no city on the platform: an event needs one."))
    values = event_values(city, payload)
    values.pop("organiser_unit")
    event = services.cohort_demo_day_create(cohort=cohort, by=request.user, **values)
    return Status(201, event_with_details(event))


@router.put(
    "/cohorts/{cohort_id}/demo-day",
    response=CohortOut,
    summary="Set or change the cohort's demo day",
    description="The program's managers; the event is one the caller organises, not another cohort's demo day.",
    openapi_extra=REFUSED_DOC,
)
def demo_day_set(request, payload: DemoDayChoiceIn, cohort_id: int = id_param("The cohort's id.")):
    cohort = cohort_for(cohort_id)
    ensure_perm(request, "programs.manage_program", cohort)
    try:
        event = selectors.event_get_for(user=request.user, pk=payload.event)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    ensure_perm(request, "programs.manage_event", event)
    return services.cohort_set_demo_day(cohort=cohort, event=event, by=request.user)
