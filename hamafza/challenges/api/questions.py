"""Questions on a call and their published answers. Who asked is never public."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from hamafza.challenges import selectors, services
from hamafza.challenges.api.common import call_for
from hamafza.challenges.models import CallQuestion
from hamafza.core.api.auth import PUBLIC
from hamafza.core.api.lists import ListQuery, order, ordering_param, page_of, paginate
from hamafza.core.api.params import NO_NUL, InputSchema, id_param
from hamafza.core.api.problems import invalid
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.selectors import organizations_of_user

router = ApiRouter()


class QuestionOut(Schema):
    """A published question with its answer. Who asked is never public."""

    id: int
    question: str
    answer: str
    answered_at: datetime.datetime | None
    created_at: datetime.datetime


class QuestionFullOut(QuestionOut):
    organization: str | None = Field(description="The slug of the organization it was asked for, if any.")
    is_published: bool

    @staticmethod
    def resolve_organization(obj: CallQuestion) -> str | None:
        return obj.organization.slug if obj.organization_id else None


class QuestionFilters(ListQuery):
    ordering: ordering_param("created_at", "answered_at") | None = None


class QuestionIn(InputSchema):
    question: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    organization: str | None = Field(
        None, max_length=200, pattern=NO_NUL, description="One of your organizations (its slug), if asking for it."
    )


class AnswerIn(InputSchema):
    answer: str = Field(min_length=1, max_length=10_000, pattern=NO_NUL)
    publish: bool = Field(True, description="Publish the question with this answer.")


@router.get(
    "/calls/{call_id}/questions",
    response=page_of(QuestionOut),
    auth=PUBLIC,
    summary="The published questions and answers of a call",
)
def question_list(request, filters: Query[QuestionFilters], call_id: int = id_param("The call's id.")):
    qs = selectors.call_questions_public(call=call_for(request, call_id))
    return paginate(order(qs, filters.ordering, default=("created_at",)), filters)


@router.post(
    "/calls/{call_id}/questions",
    response={201: QuestionFullOut},
    summary="Ask a question on an open call",
    description="Members of an organization, while the call is open. It is published with its answer, "
    "without your name.",
)
def question_ask(request, payload: QuestionIn, call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id)
    organization = None
    if payload.organization is not None:
        organization = organizations_of_user(user=request.user).filter(slug=payload.organization).first()
        if organization is None:
            raise invalid("body.organization", _("This is not one of your organizations."))
    question = services.question_ask(call=call, by=request.user, question=payload.question, organization=organization)
    return Status(201, question)


@router.get(
    "/calls/{call_id}/questions/all",
    response=page_of(QuestionFullOut),
    summary="Every question of a call, answered or not",
    description="The city's innovation manager, to answer them.",
)
def question_list_all(request, filters: Query[QuestionFilters], call_id: int = id_param("The call's id.")):
    call = call_for(request, call_id, "challenges.manage_call")
    qs = selectors.call_questions_all(call=call)
    if filters.ordering:
        qs = order(qs, filters.ordering, default=())
    return paginate(qs, filters)


@router.post(
    "/calls/{call_id}/questions/{question_id}/answer",
    response=QuestionFullOut,
    summary="Answer (and publish) a question",
    description="The city's innovation manager; the asker is told.",
)
def question_answer(
    request,
    payload: AnswerIn,
    call_id: int = id_param("The call's id."),
    question_id: int = id_param("The question's id."),
):
    call = call_for(request, call_id, "challenges.manage_call")
    question = selectors.call_questions_all(call=call).filter(pk=question_id).first()
    if question is None:
        raise Http404
    question.call = call
    return services.question_answer(question=question, by=request.user, answer=payload.answer, publish=payload.publish)
