"""What the resources of the programs API share: the event and the application as the rules let
the caller see them, and the 409 documentation."""

from __future__ import annotations

from django.http import Http404

from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.problems import problem_doc
from hamafza.programs import selectors
from hamafza.programs.models import Application, Cohort, Event

REFUSED_DOC = problem_doc("Refused now (`refused`, with the reasons in `errors`).")


def event_for(request, event_id: int, perm: str | None = None) -> Event:
    """The event if the caller may see it (404 otherwise), then `perm` (403)."""
    try:
        event = selectors.event_get_for(user=request.user, pk=event_id)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    if perm is not None:
        ensure_perm(request, perm, event)
    return event


def application_for(request, application_id: int, perm: str | None = None) -> Application:
    try:
        application = selectors.application_get_for(user=request.user, pk=application_id)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
    if perm is not None:
        ensure_perm(request, perm, application)
    return application


def cohort_for(cohort_id: int) -> Cohort:
    try:
        return selectors.cohort_get(pk=cohort_id)
    except Cohort.DoesNotExist as exc:
        raise Http404 from exc
