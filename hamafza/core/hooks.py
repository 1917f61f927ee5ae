"""Hooks: how a lower app lets a higher one contribute or react without importing it (ADR 0009).

The apps stack in layers (core → accounts → directory → challenges → matching → proposals →
consortia → pilots/programs → insights, enforced by `lint-imports`). When a lower app needs
something only a higher one knows (the navigation of every app, the matching engine's ranking
for the directory search, "an organization changed" for the matching index), the lower app
calls a hook defined here and the higher app fills it from its ``AppConfig.ready()``:

    # hamafza/pilots/apps.py
    def ready(self):
        from hamafza.core import hooks
        from hamafza.pilots import navigation, selectors

        hooks.navigation.register(navigation.entries, order=85)
        hooks.track_records.register(selectors.completed_pilots_per_organization)

A hook is a named, ordered list of functions. It holds no business rule itself: the functions
it calls are the owning app's selectors and services. Every hook, with the signature of the
functions it takes, is listed below and in docs/architecture.md ("Hooks").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


class Hook:
    """A named list of functions, called in ``order`` (then registration order).

    Registering the same function twice keeps one entry, so ``ready()`` may run more than once
    (as it does in some test set-ups)."""

    def __init__(self, name: str, doc: str) -> None:
        self.name = name
        self.__doc__ = doc
        self._entries: list[tuple[int, int, Callable]] = []

    def register(self, fn: Callable | None = None, *, order: int = 100):
        """Add ``fn`` (also usable as a decorator, with or without ``order``)."""

        def add(f: Callable) -> Callable:
            if all(existing is not f for _o, _n, existing in self._entries):
                self._entries.append((order, len(self._entries), f))
                self._entries.sort(key=lambda entry: entry[:2])
            return f

        return add(fn) if fn is not None else add

    def unregister(self, fn: Callable) -> None:
        self._entries = [entry for entry in self._entries if entry[2] is not fn]

    def __iter__(self) -> Iterator[Callable]:
        return iter([fn for _order, _n, fn in self._entries])

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self)} registered>"

    def results(self, *args, **kwargs) -> list[Any]:
        """Every registered function's result, in order."""
        return [fn(*args, **kwargs) for fn in self]

    def first(self, *args, **kwargs) -> Any:
        """The first result that is not None (None when no function answers)."""
        for fn in self:
            value = fn(*args, **kwargs)
            if value is not None:
                return value
        return None

    def send(self, *args, **kwargs) -> None:
        """Call every registered function for its effect."""
        for fn in self:
            fn(*args, **kwargs)


class FlagRegistry:
    """Named boolean facts about the signed-in user that the navigation needs, each an
    ``Exists(...)`` expression over the user (``OuterRef("pk")``), computed together in one query
    per request by ``hamafza.core.selectors.navigation_for``."""

    def __init__(self) -> None:
        self._factories: dict[str, Callable[[], Any]] = {}

    def register(self, name: str, expression: Callable[[], Any]) -> None:
        self._factories[name] = expression

    def expressions(self) -> dict[str, Any]:
        return {name: factory() for name, factory in sorted(self._factories.items())}

    def names(self) -> list[str]:
        return sorted(self._factories)


# ---------------------------------------------------------------------------------------------
# Pages and navigation
# ---------------------------------------------------------------------------------------------
navigation = Hook(
    "navigation",
    """Entries of the main navigation. ``fn(request, flags) -> list[{"label", "url"}]``; ``flags`` is
    a dict of the ``navigation_flags`` for the signed-in user (empty for visitors). Orders in use:
    10 home, 20 directory, 30 cities, 40 challenges, 50 missions (public); 60 the user's cities,
    70 the challenges workflow, 80 proposals and judging, 90 consortia, 200 administration.""",
)
navigation_flags = FlagRegistry()
home_context = Hook(
    "home_context",
    """Extra context of the home page. ``fn() -> dict`` (e.g. the directory's ``stats``).""",
)
profile_context = Hook(
    "profile_context",
    """Extra context of the profile page. ``fn(user) -> dict`` (e.g. the directory's ``memberships``).""",
)
profile_sections = Hook(
    "profile_sections",
    """Sections of the signed-in person's profile page (their workspace). ``fn(user) -> {"template",
    "context"} | None``; the page includes each template with ``section`` = its context (the spaces
    app: the person's upcoming bookings).""",
)

# ---------------------------------------------------------------------------------------------
# Search and matching
# ---------------------------------------------------------------------------------------------
organization_search_ranking = Hook(
    "organization_search_ranking",
    """Organization ids ranked by relevance for a directory query. ``fn(q) -> list[int] | None``;
    the first answer that is not None wins (None: no ranking available, plain text order).""",
)
query_capabilities = Hook(
    "query_capabilities",
    """Capability codes a free-text query is about (used by the call search so an English query finds a
    Persian call). ``fn(q) -> list[str]``; the codes of every function are joined.""",
)

organization_profile_sections = Hook(
    "organization_profile_sections",
    """Sections of an organization's public profile. ``fn(organization) -> {"template", "context"} |
    None``; the page includes each template with ``section`` = its context (the pilots app: the
    track record — completed pilots with their KPI outcome, public agreements).""",
)
call_result_links = Hook(
    "call_result_links",
    """Links under a call's public results. ``fn(call) -> list[{"label", "url"}]`` (the pilots app:
    the public summaries of the call's completed pilots).""",
)

# ---------------------------------------------------------------------------------------------
# Confidentiality
# ---------------------------------------------------------------------------------------------
proposal_readers = Hook(
    "proposal_readers",
    """More readers of proposals. ``fn(user) -> QuerySet`` of the ids of proposals ``user`` may also read
    (the consortia app: the admins of every member organization read the consortium's application).
    Reading only: editing stays with the applicant's members. Added to ``proposals_visible_to``.""",
)
evaluation_managers = Hook(
    "evaluation_managers",
    """More managers of a call's evaluation (its panel, rubric, judges and scoring) besides the city's
    innovation managers. ``fn(user, call) -> bool``; any true grants ``proposals.manage_evaluation``
    (the programs app: the organisers of the pitch event a hidden jury call judges, ADR 0030).""",
)

# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------
organizations_changed = Hook(
    "organizations_changed",
    """Organizations were created or edited. ``fn(*, organization_ids)``, called inside the saving
    transaction (the matching app logs the change there and syncs its index on commit).""",
)
database_restored = Hook(
    "database_restored",
    """A backup was restored (`hamafza restore`, hamafza/core/backup.py). ``fn(*, manifest) -> str | None``
    rebuilds what derives from the database and returns a line saying so (printed by the command).""",
)
membership_changed_by_platform_admin = Hook(
    "membership_changed_by_platform_admin",
    """A platform admin added, changed or removed an organization membership in the Django admin
    (ADR 0012). ``fn(*, membership, organization, member, by, action, recipients)`` with ``action``
    "added", "changed" or "removed" and ``recipients`` the organization's admins and the member
    (never the acting admin); called after the transaction commits.""",
)
track_records = Hook(
    "track_records",
    """An organization's track record: its count of successes (an awarded call, a completed pilot).
    ``fn(ids: list[int] | None) -> dict[int, int]`` (all organizations when ids is None); the
    counts of every function are added. A function whose counts change calls
    ``organizations_changed`` so the matching index picks the new figure up.""",
)


track_record_evidence = Hook(
    "track_record_evidence",
    """What the track record counts, by name, for the match explanation. ``fn(ids: list[int]) ->
    dict[int, list[str]]`` (readable lines such as "completed pilot … in Qom"); the lines are joined.""",
)


def track_record_lines(ids: list[int]) -> dict[int, list[str]]:
    """Every ``track_record_evidence`` function's lines per organization id."""
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    for lines in track_record_evidence.results(list(ids)):
        for org_id, more in lines.items():
            found.setdefault(org_id, []).extend(more)
    return found


def track_record_counts(ids: list[int] | None = None) -> dict[int, int]:
    """The sum of every ``track_records`` function's counts per organization id."""
    total: dict[int, int] = {}
    for counts in track_records.results(ids):
        for org_id, n in counts.items():
            total[org_id] = total.get(org_id, 0) + n
    return total


# ---------------------------------------------------------------------------------------------
# Role workspaces (ADR 0022, hamafza/core/workspace.py)
# ---------------------------------------------------------------------------------------------
class PanelRegistry:
    """The panels of the role workspaces. Each app registers its panels from ``AppConfig.ready()``:

        hooks.workspace_panels.register(workspace.triage_panel, audiences={"innovation_manager"}, order=10)

    ``fn(ws) -> Panel | None`` (``hamafza.core.workspace``): ``ws`` is the ``Workspace`` of the
    request (the user, their audiences, the city chosen in the switcher). A function is called only
    when one of its ``audiences`` is the user's, so it never runs for someone it is not meant for.
    Each function reads a bounded list (``workspace.capped``: at most ``workspace.LIMIT`` rows, no
    count of what is not shown) in a fixed number of queries."""

    def __init__(self) -> None:
        self._entries: list[tuple[int, int, frozenset[str], Callable]] = []

    def register(self, fn: Callable, *, audiences, order: int = 100) -> Callable:
        audiences = frozenset([audiences] if isinstance(audiences, str) else audiences)
        self._entries = [e for e in self._entries if e[3] is not fn]
        self._entries.append((order, len(self._entries), audiences, fn))
        self._entries.sort(key=lambda entry: entry[:2])
        return fn

    def unregister(self, fn: Callable) -> None:
        self._entries = [e for e in self._entries if e[3] is not fn]

    def for_audiences(self, audiences) -> list[Callable]:
        """The functions meant for any of ``audiences``, in order (each once)."""
        return [fn for _o, _n, meant, fn in self._entries if meant & set(audiences)]

    def audiences(self) -> set[str]:
        return {a for _o, _n, meant, _fn in self._entries for a in meant}


workspace_panels = PanelRegistry()
workspace_context = Hook(
    "workspace_context",
    """Who the signed-in user is for the workspace. ``fn(ws)`` adds to ``ws.audiences`` (role codes such
    as "innovation_manager", "organization_member") and to ``ws.cities`` (the cities of the user's
    roles, for the city switcher); the accounts app fills the city roles, the directory "organization
    member", the proposals "judge" for panel members.""",
)
city_page_sections = Hook(
    "city_page_sections",
    """Sections of a city's public page. ``fn(request, city) -> list[Panel]`` (``core.workspace.Panel``):
    the challenges app lists the city's open calls and latest results.""",
)
