"""Pages of the matching engine: "organizations to invite" on a call (the city's innovation
manager) and "calls for you" on an organization (its members). Views parse input, call one
selector or service, and render; permissions come from matching.rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hamafza.challenges.models import Call
from hamafza.challenges.selectors import call_get
from hamafza.challenges.services import TransitionRefused
from hamafza.core.paging import page_number
from hamafza.directory.selectors import organization_get
from hamafza.matching import selectors, services
from hamafza.matching.forms import InviteForm, MatchFilterForm

INVITABLE_STATES = (*Call.EDITABLE_STATES, Call.State.PUBLISHED)


MATCHES_PER_PAGE = 10  # organizations to invite a page, of the engine's best selectors.MATCHES_TOP


def _matches_page(request, call, form, *, errors=(), status=200):
    """The page of organizations to invite: `?page=` of MATCHES_PER_PAGE rows (the engine ranks
    only as far as the page asked for; 404 for a page that is not a number or past the last)."""
    number = page_number(request.GET.get("page", "1")) if request.method == "GET" else 1
    if number is None or (number - 1) * MATCHES_PER_PAGE >= selectors.MATCHES_TOP:
        raise Http404("No such page")
    rows, has_next = None, False
    if not form.is_bound or form.is_valid():
        top = min(number * MATCHES_PER_PAGE, selectors.MATCHES_TOP)
        ranked = selectors.matches_for_call(call=call, user=request.user, filters=form.filters(), top=top)
        if number > 1 and len(ranked) <= (number - 1) * MATCHES_PER_PAGE:
            raise Http404("No such page")
        rows = ranked[(number - 1) * MATCHES_PER_PAGE :]
        has_next = len(ranked) == top and top < selectors.MATCHES_TOP
    can_invite = call.state in INVITABLE_STATES and request.user.has_perm("matching.invite_organizations", call)
    return render(
        request,
        "matching/call_matches.html",
        {
            "call": call,
            "form": form,
            "rows": rows,
            "errors": errors,
            "can_invite": can_invite,
            "filters": form.filters(),
            "page": number,
            "offset": (number - 1) * MATCHES_PER_PAGE,
            "has_next": has_next,
            "filter_query": urlencode(form.filters()),
        },
        status=status,
    )


@login_required
def call_matches(request, pk):
    """The ranked, explained organizations to invite to a call (404 when the user cannot see the
    call, 403 when they see it but are not its city's innovation manager)."""
    call = call_get(pk=pk, user=request.user, perm="matching.view_call_matches")
    form = MatchFilterForm(request.GET or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return _matches_page(request, call, form, status=status)


@login_required
@require_POST
def call_invite(request, pk):
    """Invite one or several organizations (the row's button or the bulk form)."""
    call = call_get(pk=pk, user=request.user, perm="matching.invite_organizations")
    form = InviteForm(request.POST)
    filter_form = MatchFilterForm({k: request.POST.get(k, "") for k in ("province", "kind")})
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _matches_page(request, call, filter_form, errors=errors, status=400)
    try:
        new = services.call_invite_organizations(
            call=call, organizations=form.cleaned_data["organizations"], by=request.user
        )
    except ValidationError as exc:
        return _matches_page(request, call, filter_form, errors=exc.messages, status=400)
    except TransitionRefused as exc:
        return render(request, "challenges/refused.html", {"reasons": exc.reasons}, status=403)
    if new:
        messages.success(
            request,
            ngettext(
                "%(count)s organization was added to the invited list.",
                "%(count)s organizations were added to the invited list.",
                len(new),
            )
            % {"count": len(new)},
        )
    else:
        messages.info(request, _("These organizations were already invited."))
    url = reverse("matching:call_matches", args=[call.pk])
    query = urlencode(filter_form.filters())
    return redirect(f"{url}?{query}" if query else url)


@login_required
def calls_for_you(request, slug):
    """Open calls the organization may apply to, ranked and explained (its members only)."""
    organization = organization_get(slug=slug)
    if not request.user.has_perm("matching.view_calls_for_organization", organization):
        raise PermissionDenied
    rows = selectors.calls_for_organization(organization=organization, user=request.user)
    return render(request, "matching/calls_for_you.html", {"org": organization, "rows": rows})
