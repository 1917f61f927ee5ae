"""Role workspaces (ADR 0022): after signing in, each person lands on a page of what they must do
next. The page is built from panels that the apps contribute through ``hooks.workspace_panels``,
each meant for some audiences (the city roles, "organization_member", "citizen", "visitor").

A panel is a bounded read: ``capped(qs)`` fetches at most ``LIMIT`` rows (one more to know that a
"see all" link is worth showing) and never counts what it does not show, so the page costs a fixed
number of queries whatever the data. How to add a panel: docs/architecture.md ("Role workspaces").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hamafza.core import hooks
from hamafza.core.formatting import time_left

#: At most this many rows per panel.
LIMIT = 5

#: Audiences the core itself decides (the others come from ``hooks.workspace_context``).
VISITOR = "visitor"
CITIZEN = "citizen"
SIGNED_IN = "signed_in"


@dataclass
class Item:
    """One row of a panel: a link with an optional second line, a date, a badge and a progress bar
    (0–100)."""

    label: str
    url: str
    detail: str = ""
    when: Any = None
    when_label: str = ""
    badge: str = ""
    tone: str = "secondary"
    progress: int | None = None
    progress_label: str = ""
    #: A deadline shown on its own line, with how far it is ("3 days left", "overdue").
    due: Any = None
    due_label: str = ""

    @property
    def due_left(self) -> tuple[str, bool]:
        return time_left(self.due) if self.due else ("", False)


@dataclass
class Panel:
    """A titled list of next actions. ``empty`` says what "nothing" means and ``actions`` what to do
    next; ``more`` is a "see all" link shown only when there were more rows than ``LIMIT``."""

    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    empty: str = ""
    actions: list[dict] = field(default_factory=list)
    more: dict | None = None
    has_more: bool = False


@dataclass
class Workspace:
    """The request's person as the panels see them."""

    request: Any
    user: Any
    audiences: set[str] = field(default_factory=set)
    cities: list = field(default_factory=list)
    city: Any = None  # the city chosen in the switcher (None: every city of the user's roles)

    def in_city(self, city_id) -> bool:
        return self.city is None or self.city.pk == city_id


def capped(rows, limit: int = LIMIT) -> tuple[list, bool]:
    """At most ``limit`` rows of ``rows`` (a queryset or a list) and whether there were more; one
    query of ``limit + 1`` rows, no count."""
    found = list(rows[: limit + 1])
    return found[:limit], len(found) > limit


def workspace_for(request, *, city_slug: str = "") -> Workspace:
    """The workspace of ``request.user``: audiences and cities from ``hooks.workspace_context``;
    ``city_slug`` narrows the panels to one of the user's cities (unknown slugs are ignored)."""
    user = request.user
    ws = Workspace(request=request, user=user)
    if not user.is_authenticated:
        ws.audiences.add(VISITOR)
        return ws
    hooks.workspace_context.send(ws)
    if not ws.audiences:
        ws.audiences.add(CITIZEN)
    ws.audiences.add(SIGNED_IN)
    unique = {}
    for city in ws.cities:
        unique.setdefault(city.pk, city)
    ws.cities = sorted(unique.values(), key=lambda c: c.name)
    if city_slug:
        ws.city = next((c for c in ws.cities if c.slug == city_slug), None)
    return ws


def panels_for(ws: Workspace) -> list[Panel]:
    """Every registered panel meant for one of the workspace's audiences, in order."""
    panels = []
    for fn in hooks.workspace_panels.for_audiences(ws.audiences):
        panel = fn(ws)
        if panel is not None:
            panels.append(panel)
    return panels


def visitor_panels(request) -> list[Panel]:
    """The panels of a visitor (open challenges, results), also shown on the home page."""
    ws = Workspace(request=request, user=request.user, audiences={VISITOR})
    return panels_for(ws)
