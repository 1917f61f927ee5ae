"""Applications to a cohort: apply (as an organization or a team of individuals), read (the team,
its mentors, the program's managers), move through the stages (one transition service), mentors,
milestones and their sign-off, and registering a graduated team as an organization."""

from __future__ import annotations

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.http import Http404
from ninja import Field, Query, Schema, Status

from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, capabilities_from_codes, id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.core.provinces import PROVINCES
from hamafza.directory.models import Organization
from hamafza.programs import selectors, services
from hamafza.programs.api.common import REFUSED_DOC, application_for, cohort_for
from hamafza.programs.models import Application

router = ApiRouter()
State = Literal[tuple(Application.State.values)]  # type: ignore[valid-type]
Stage = Literal[tuple(Application.Stage.values)]  # type: ignore[valid-type]
Province = Literal[tuple(code for code, _label in PROVINCES)]  # type: ignore[valid-type]


class TeamMilestoneOut(Schema):
    id: int
    title: str
    due_on: datetime.date
    signed_off_at: datetime.datetime | None
    note: str


class ApplicationOut(Schema):
    id: int
    cohort: int = Field(alias="cohort_id")
    organization: str | None = Field(None, alias="organization.slug")
    team_name: str
    team: str
    idea: str
    stage: Stage
    state: State
    state_reason: str
    registered_organization: str | None = Field(None, alias="registered_organization.slug")
    created_at: datetime.datetime


class ApplicationDetailOut(ApplicationOut):
    mentors: list[str] = Field(alias="mentor_names")
    milestones: list[TeamMilestoneOut] = Field(alias="milestone_rows")


class ApplicationQuery(ListQuery):
    state: State | None = None


class ApplicationIn(InputSchema):
    organization: str | None = Field(None, max_length=120, pattern=NO_NUL, description="Omit to apply as individuals.")
    team_name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    team: str = Field(min_length=1, max_length=5000, pattern=NO_NUL)
    idea: str = Field(min_length=1, max_length=10000, pattern=NO_NUL)
    stage: Stage
    capabilities: list[str] = Field(default_factory=list, max_length=50, description="Capability codes.")


class ApplicationTransitionIn(InputSchema):
    to: State
    reason: str = Field("", max_length=2000, pattern=NO_NUL)


class TeamMentorIn(InputSchema):
    email: str = Field(max_length=254, pattern=NO_NUL, description="The mentor's account email.")


class TeamMilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    due_on: datetime.date


class TeamMilestoneSignOffIn(InputSchema):
    note: str = Field("", max_length=2000, pattern=NO_NUL)


class RegisterOrganizationIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    province: Province
    city_name: str = Field(min_length=1, max_length=120, pattern=NO_NUL)


def _detail(application) -> Application:
    details = selectors.application_details(application=application)
    application.mentor_names = [str(m.person.name if m.person else m.user) for m in details["mentors"]]
    application.milestone_rows = details["milestones"]
    return application


@router.get(
    "/cohorts/{cohort_id}/applications",
    response=page_of(ApplicationOut),
    summary="Applications to a cohort",
    description="The program's managers see all; others their own team's.",
)
def application_list(request, query: Query[ApplicationQuery], cohort_id: int = id_param("The cohort's id.")):
    cohort = cohort_for(cohort_id)
    return paginate(selectors.application_list_for(user=request.user, cohort=cohort, state=query.state or ""), query)


@router.post(
    "/cohorts/{cohort_id}/applications",
    response={201: ApplicationDetailOut},
    summary="Apply to a cohort",
    description="As an organization (a member of it) or as a team of individual innovators.",
    openapi_extra=REFUSED_DOC,
)
def application_submit(request, payload: ApplicationIn, cohort_id: int = id_param("The cohort's id.")):
    cohort = cohort_for(cohort_id)
    organization = None
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization).first()
        if organization is None:
            raise Http404
        ensure_perm(request, "programs.apply_pitch", organization)
    application = services.application_submit(
        cohort=cohort,
        by=request.user,
        organization=organization,
        team_name=payload.team_name,
        team=payload.team,
        idea=payload.idea,
        stage=payload.stage,
        capabilities=capabilities_from_codes(payload.capabilities, "capabilities"),
    )
    return Status(201, _detail(application))


@router.get("/applications/{application_id}", response=ApplicationDetailOut, summary="An application")
def application_detail(request, application_id: int = id_param("The application's id.")):
    return _detail(application_for(request, application_id))


@router.post(
    "/applications/{application_id}/transition",
    response=ApplicationDetailOut,
    summary="Move an application to another stage",
    description="The program's managers: applied → interview → admitted → graduated, or declined / dropped "
    "with a reason.",
    openapi_extra=REFUSED_DOC,
)
def application_transition(
    request, payload: ApplicationTransitionIn, application_id: int = id_param("The application's id.")
):
    application = application_for(request, application_id, "programs.manage_program")
    services.application_transition(application=application, to=payload.to, by=request.user, reason=payload.reason)
    return _detail(application_for(request, application_id))


@router.post(
    "/applications/{application_id}/mentors",
    response=ApplicationDetailOut,
    summary="Assign a mentor",
    description="The program's managers, to an admitted team.",
    openapi_extra=REFUSED_DOC,
)
def mentor_assign(request, payload: TeamMentorIn, application_id: int = id_param("The application's id.")):
    application = application_for(request, application_id, "programs.manage_program")
    user = get_user_model().objects.filter(email__iexact=payload.email).first()
    if user is None:
        raise Http404
    services.mentor_assign(application=application, by=request.user, user=user, person=getattr(user, "person", None))
    return _detail(application_for(request, application_id))


@router.post(
    "/applications/{application_id}/milestones",
    response={201: TeamMilestoneOut},
    summary="Add a milestone to a team",
    openapi_extra=REFUSED_DOC,
)
def milestone_add(request, payload: TeamMilestoneIn, application_id: int = id_param("The application's id.")):
    application = application_for(request, application_id, "programs.manage_program")
    return Status(201, services.milestone_add(application=application, by=request.user, **payload.model_dump()))


@router.post(
    "/applications/{application_id}/milestones/{milestone_id}/sign-off",
    response=TeamMilestoneOut,
    summary="Sign a milestone off",
    description="A mentor of the team or a program manager.",
    openapi_extra=REFUSED_DOC,
)
def milestone_sign_off(
    request,
    payload: TeamMilestoneSignOffIn,
    application_id: int = id_param("The application's id."),
    milestone_id: int = id_param("The milestone's id."),
):
    application = application_for(request, application_id)
    milestone = application.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    ensure_perm(request, "programs.sign_off_milestone", milestone)
    return services.milestone_sign_off(milestone=milestone, by=request.user, note=payload.note)


@router.post(
    "/applications/{application_id}/organization",
    response={201: ApplicationDetailOut},
    summary="Register a graduated team as an organization",
    description="A member of the team; the application stays linked to the new organization as its history.",
    openapi_extra=REFUSED_DOC,
)
def register_organization(
    request, payload: RegisterOrganizationIn, application_id: int = id_param("The application's id.")
):
    application = application_for(request, application_id, "programs.register_team_organization")
    services.application_register_organization(application=application, by=request.user, **payload.model_dump())
    return Status(201, _detail(application_for(request, application_id)))
