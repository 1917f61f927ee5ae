"""The challenges app's panels of the role workspaces (ADR 0022), registered in apps.py: the triage
queue, calls in definition with their completeness, open calls closing soon (innovation managers);
the needs and calls of a unit (unit staff); the canvases assigned (facilitators); one's reports and
followed calls (citizens); open challenges and results (visitors, also on the home page); a city's
open calls and results on its public page. Each panel is one bounded query (core.workspace.capped)."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.workspace import role_cities, role_city_ids, role_unit_ids
from hamafza.challenges.completeness import canvas_completeness
from hamafza.challenges.models import Call, Need
from hamafza.challenges.services import canvas_data
from hamafza.core.workspace import Item, Panel, capped

MANAGER = CityRole.Role.INNOVATION_MANAGER
STAFF = CityRole.Role.UNIT_STAFF
#: "Closing soon": open calls whose deadline is within this many days.
CLOSING_SOON_DAYS = 14


def _more_per_city(cities, url_name: str, label) -> dict | None:
    """The "see all" link of a panel over the user's cities: the city's list (the first city when
    there are several; the city switcher narrows the workspace to the others)."""
    if not cities:
        return None
    return {"label": label, "url": reverse(url_name, args=[cities[0].slug])}


def _completeness(call: Call) -> int | None:
    try:
        return canvas_completeness(canvas_data(call)).score
    except ObjectDoesNotExist:  # a call without its canvas row
        return None


def _call_state_badge(call: Call) -> str:
    return str(Call.State(call.state).label)


# --------------------------------------------------------------------------------------------
# Innovation managers
# --------------------------------------------------------------------------------------------
def triage_panel(ws) -> Panel:
    cities = role_cities(ws, MANAGER)
    needs, more = capped(
        Need.objects.filter(
            city_id__in=[c.pk for c in cities], status__in=(Need.Status.MODERATION, Need.Status.SUBMITTED)
        )
        .select_related("city", "unit")
        .order_by("submitted_at", "pk")
    )
    several = len(cities) > 1
    return Panel(
        key="triage",
        title=_("Needs waiting for triage"),
        items=[
            Item(
                label=n.title or pgettext_lazy("text", "(untitled)"),
                url=reverse("challenges:need_detail", args=[n.city.slug, n.pk]),
                detail=" · ".join(
                    str(x)
                    for x in (
                        n.city.name if several else "",
                        n.unit.name if n.unit else pgettext_lazy("text", "Citizen report"),
                    )
                    if x
                ),
                when=n.submitted_at,
                when_label=pgettext_lazy("text", "sent"),
                badge=str(Need.Status(n.status).label) if n.status == Need.Status.MODERATION else "",
                tone="warning",
            )
            for n in needs
        ],
        empty=_("No need is waiting for triage. Unit staff send needs, citizens report problems."),
        more=_more_per_city(cities, "challenges:triage_inbox", pgettext_lazy("text", "Triage inbox")),
        has_more=more,
    )


def definition_panel(ws) -> Panel:
    cities = role_cities(ws, MANAGER)
    calls, more = capped(
        Call.objects.filter(city_id__in=[c.pk for c in cities], state__in=Call.EDITABLE_STATES)
        .select_related("city", "unit", "canvas")
        .order_by("-updated_at", "-pk")
    )
    return Panel(
        key="definition",
        title=_("Calls in problem definition"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_manage", args=[c.city.slug, c.pk]),
                detail=c.unit.name,
                badge=_call_state_badge(c),
                tone="info" if c.state == Call.State.READY else "secondary",
                progress=_completeness(c),
                progress_label=pgettext_lazy("text", "Canvas completeness"),
            )
            for c in calls
        ],
        empty=_("No call is being defined. Accept a need in the triage inbox to start its canvas."),
        actions=[
            {"label": _("Open the triage inbox"), "url": reverse("challenges:triage_inbox", args=[cities[0].slug])}
        ]
        if cities and not calls
        else [],
        more=_more_per_city(cities, "challenges:city_calls", _("All calls of the city")),
        has_more=more,
    )


def closing_soon_panel(ws) -> Panel:
    now = timezone.now()
    cities = role_cities(ws, MANAGER)
    calls, more = capped(
        Call.objects.filter(
            city_id__in=[c.pk for c in cities],
            state=Call.State.PUBLISHED,
            closes_at__gt=now,
            closes_at__lte=now + datetime.timedelta(days=CLOSING_SOON_DAYS),
        )
        .select_related("city")
        .order_by("closes_at", "pk")
    )
    return Panel(
        key="closing",
        title=_("Open calls closing soon"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_manage", args=[c.city.slug, c.pk]),
                when=c.closes_at,
                when_label=pgettext_lazy("text", "closes"),
            )
            for c in calls
        ],
        empty=_("No open call closes in the next two weeks."),
        more=_more_per_city(cities, "challenges:city_calls", _("All calls of the city")),
        has_more=more,
    )


# --------------------------------------------------------------------------------------------
# Unit staff
# --------------------------------------------------------------------------------------------
def unit_needs_panel(ws) -> Panel:
    cities = role_cities(ws, STAFF)
    units = role_unit_ids(ws, STAFF)
    needs, more = capped(
        Need.objects.filter(
            Q(unit_id__in=units) | Q(submitted_by=ws.user, source=Need.Source.UNIT),
            city_id__in=[c.pk for c in cities],
        )
        .exclude(Q(status=Need.Status.DRAFT) & ~Q(submitted_by=ws.user))
        .select_related("city")
        .order_by("-updated_at", "-pk")
    )
    return Panel(
        key="unit-needs",
        title=_("Your unit's needs"),
        items=[
            Item(
                label=n.title or pgettext_lazy("text", "(untitled)"),
                url=reverse("challenges:need_detail", args=[n.city.slug, n.pk]),
                badge=str(Need.Status(n.status).label),
                tone="warning" if n.status == Need.Status.DRAFT else "secondary",
                when=n.updated_at,
                when_label=pgettext_lazy("text", "updated"),
            )
            for n in needs
        ],
        empty=_(
            "Your unit has not sent a need yet. Describe a problem your unit faces; the city's innovation team "
            "triages it and may turn it into a call."
        ),
        actions=[{"label": _("Send a need"), "url": reverse("challenges:need_new", args=[c.slug])} for c in cities[:2]],
        more=_more_per_city(cities, "challenges:need_list", pgettext_lazy("text", "All needs")),
        has_more=more,
    )


def unit_calls_panel(ws) -> Panel:
    cities = role_cities(ws, STAFF)
    calls, more = capped(
        Call.objects.filter(unit_id__in=role_unit_ids(ws, STAFF), judging_only=False)
        .exclude(state=Call.State.CANCELLED)
        .select_related("city", "canvas")
        .order_by("-updated_at", "-pk")
    )
    return Panel(
        key="unit-calls",
        title=_("Your unit's calls"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_manage", args=[c.city.slug, c.pk]),
                badge=_call_state_badge(c),
                progress=_completeness(c) if c.state in Call.EDITABLE_STATES else None,
                progress_label=pgettext_lazy("text", "Canvas completeness"),
                when=c.closes_at if c.state == Call.State.PUBLISHED else None,
                when_label=pgettext_lazy("text", "closes"),
            )
            for c in calls
        ],
        empty=_("Your unit has no call yet. A call starts when the innovation manager accepts one of your needs."),
        more=_more_per_city(cities, "challenges:city_calls", pgettext_lazy("text", "All calls")),
        has_more=more,
    )


# --------------------------------------------------------------------------------------------
# Facilitators
# --------------------------------------------------------------------------------------------
def facilitator_panel(ws) -> Panel:
    city_ids = role_city_ids(ws, CityRole.Role.FACILITATOR)
    calls, more = capped(
        Call.objects.filter(facilitators=ws.user, city_id__in=city_ids, state__in=Call.EDITABLE_STATES)
        .select_related("city", "unit", "canvas")
        .order_by("-updated_at", "-pk")
    )
    cities = role_cities(ws, CityRole.Role.FACILITATOR)
    return Panel(
        key="canvases",
        title=_("Canvases assigned to you"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:canvas_edit", args=[c.city.slug, c.pk]),
                detail=c.unit.name,
                badge=_call_state_badge(c),
                progress=_completeness(c),
                progress_label=pgettext_lazy("text", "Canvas completeness"),
            )
            for c in calls
        ],
        empty=_(
            "No canvas is assigned to you yet. The city's innovation manager assigns facilitators on a "
            "call's page; you will be notified."
        ),
        more=_more_per_city(cities, "challenges:city_calls", _("All calls to define")),
        has_more=more,
    )


# --------------------------------------------------------------------------------------------
# Citizens and members
# --------------------------------------------------------------------------------------------
def reports_panel(ws) -> Panel:
    needs, more = capped(
        Need.objects.filter(submitted_by=ws.user, source=Need.Source.CITIZEN)
        .select_related("city")
        .order_by("-updated_at", "-pk")
    )
    return Panel(
        key="reports",
        title=pgettext_lazy("heading", "Your reports"),
        items=[
            Item(
                label=n.title or pgettext_lazy("text", "(untitled)"),
                url=reverse("challenges:my_reports"),
                detail=n.city.name,
                badge=str(Need.Status(n.status).label),
                when=n.updated_at,
                when_label=pgettext_lazy("text", "updated"),
            )
            for n in needs
        ],
        empty=_("You have not reported a problem yet. Tell your city about a problem you see."),
        actions=[{"label": _("Report a problem"), "url": reverse("challenges:report_problem")}],
        more={"label": _("All your reports"), "url": reverse("challenges:my_reports")},
        has_more=more,
    )


def followed_panel(ws) -> Panel:
    calls, more = capped(
        Call.objects.filter(follows__user=ws.user, state__in=Call.PUBLIC_STATES)
        .select_related("city")
        .order_by("-follows__created_at", "-pk")
    )
    now = timezone.now()
    return Panel(
        key="followed",
        title=_("Calls you follow"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_detail", args=[c.pk]),
                detail=c.city.name,
                badge=str(Call.State(c.effective_state(now)).label),
                when=c.closes_at if c.is_open(now) else None,
                when_label=pgettext_lazy("text", "closes"),
            )
            for c in calls
        ],
        empty=_("You follow no call. Follow a challenge to hear about its questions, changes and results."),
        actions=[] if calls else [{"label": _("Browse the open challenges"), "url": reverse("challenges:call_list")}],
        has_more=more,
    )


# --------------------------------------------------------------------------------------------
# Visitors (and the home page), a city's page
# --------------------------------------------------------------------------------------------
def _open_calls(city=None) -> tuple[list[Call], bool]:
    qs = Call.objects.filter(state=Call.State.PUBLISHED, closes_at__gt=timezone.now())
    if city is not None:
        qs = qs.filter(city=city)
    return capped(qs.select_related("city", "unit").order_by("closes_at", "pk"))


def _results(city=None) -> tuple[list[Call], bool]:
    qs = Call.objects.filter(state=Call.State.RESULTS_PUBLISHED)
    if city is not None:
        qs = qs.filter(city=city)
    return capped(qs.select_related("city").order_by("-results_published_at", "-pk"))


def _open_calls_panel(calls, more, *, city=None) -> Panel:
    url = reverse("challenges:call_list") + (f"?city={city.slug}" if city is not None else "")
    return Panel(
        key="open-challenges",
        title=pgettext_lazy("heading", "Open challenges"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_detail", args=[c.pk]),
                detail=c.unit.name if city is not None else f"{c.city.name} · {c.unit.name}",
                when=c.closes_at,
                when_label=pgettext_lazy("text", "closes"),
            )
            for c in calls
        ],
        empty=_("No challenge is open right now. Follow a city's results, or register to hear about new calls."),
        actions=[]
        if calls
        else [
            {
                "label": pgettext_lazy("menu", "Past challenges"),
                "url": reverse("challenges:call_list") + "?status=closed",
            }
        ],
        more={"label": _("All open challenges"), "url": url},
        has_more=more,
    )


def _results_panel(calls, more) -> Panel:
    return Panel(
        key="results",
        title=pgettext_lazy("heading", "Latest results"),
        items=[
            Item(
                label=c.title,
                url=reverse("challenges:call_results", args=[c.pk]),
                detail=c.city.name,
                when=c.results_published_at,
                when_label=pgettext_lazy("text", "published"),
            )
            for c in calls
        ],
        empty=_("No results have been published yet."),
        more={
            "label": pgettext_lazy("menu", "All results"),
            "url": reverse("challenges:call_list") + "?status=results",
        },
        has_more=more,
    )


def open_challenges_panel(ws) -> Panel:
    return _open_calls_panel(*_open_calls())


def results_panel(ws) -> Panel:
    return _results_panel(*_results())


def city_sections(request, city) -> list:
    """``hooks.city_page_sections``: the city's open calls and its latest results."""
    calls, more = _open_calls(city)
    results, more_results = _results(city)
    return [_open_calls_panel(calls, more, city=city), _results_panel(results, more_results)]
