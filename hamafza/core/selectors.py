"""Reads for cities, units and the taxonomy. Every read of city-owned data is scoped by city."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hamafza.core import hooks
from hamafza.core.models import Capability, City, Domain, Unit


def city_list() -> QuerySet[City]:
    return City.objects.filter(is_active=True).order_by("name_en")


def city_get(*, slug: str) -> City:
    try:
        return City.objects.get(slug=slug, is_active=True)
    except City.DoesNotExist as exc:
        raise Http404("No such city") from exc


def unit_list(*, city: City) -> QuerySet[Unit]:
    return Unit.objects.filter(city=city).order_by("name_fa")


def taxonomy_tree() -> QuerySet[Domain]:
    return Domain.objects.prefetch_related(
        Prefetch("capabilities", queryset=Capability.objects.order_by("code"))
    ).order_by("position", "code")


def capability_list() -> QuerySet[Capability]:
    return Capability.objects.select_related("domain").order_by("domain__position", "code")


def navigation_for(request) -> list[dict]:
    """The main navigation: every app contributes its entries through ``hooks.navigation`` (from its
    ``AppConfig.ready``). The signed-in user's ``hooks.navigation_flags`` are read in one query."""
    flags = _navigation_flags(request.user)
    items = []
    for entries in hooks.navigation:
        items.extend(entries(request, flags))
    return items


def _navigation_flags(user) -> dict[str, bool]:
    if not user.is_authenticated or not hooks.navigation_flags.names():
        return {}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**hooks.navigation_flags.expressions())
        # the names come from the registry, not from the request
        .values(*hooks.navigation_flags.names())
        .first()
    )
    return row or dict.fromkeys(hooks.navigation_flags.names(), False)


def core_navigation(request, flags) -> list[dict]:
    """The signed-in person's workspace, or the home page for visitors (order 10)."""
    if request.user.is_authenticated:
        return [{"label": pgettext_lazy("menu", "My workspace"), "url": reverse("core:workspace")}]
    return [{"label": pgettext_lazy("menu", "Home"), "url": reverse("core:home")}]


def cities_navigation(request, flags) -> list[dict]:
    return [{"label": pgettext_lazy("menu", "Cities"), "url": reverse("core:city_list"), "group": "explore"}]


def admin_navigation(request, flags) -> list[dict]:
    if request.user.is_authenticated and request.user.is_staff:
        return [
            {"label": pgettext_lazy("menu", "Administration"), "url": reverse("admin:index"), "group": ACCOUNT_GROUP}
        ]
    return []


#: The dropdowns of the main navigation: an entry's ``"group"`` names one of them (an entry without
#: a group stands alone; a group holding a single entry is shown as that entry). ``account`` entries
#: go to the menu under the signed-in person's name.
NAV_GROUPS = {
    "explore": pgettext_lazy("label", "Explore"),
    "work": pgettext_lazy("label", "My work"),
    "cities": pgettext_lazy("label", "My cities"),
}
ACCOUNT_GROUP = "account"


def _is_current(path: str, url: str) -> bool:
    # a section's pages keep its entry lit (not the language root "/fa/", which prefixes everything)
    return path == url or (url.count("/") > 2 and path.startswith(url))


def navigation_menu(request) -> dict:
    """The navigation as shown: ``items`` (links and dropdowns ``{"label", "children"}`` in the order
    of their first entry) and ``account`` (the entries of the person's own menu)."""
    path = request.path
    items: list[dict] = []
    account: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in navigation_for(request):
        entry = {**entry, "active": _is_current(path, str(entry["url"]))}
        group = entry.get("group")
        if group == ACCOUNT_GROUP:
            account.append(entry)
        elif not group:
            items.append(entry)
        else:
            if group not in groups:
                groups[group] = {"key": group, "label": NAV_GROUPS.get(group, group), "children": []}
                items.append(groups[group])
            groups[group]["children"].append(entry)
    shown = []
    for item in items:
        children = item.get("children")
        if children is not None and len(children) == 1:
            item = children[0]
        elif children is not None:
            item["active"] = any(child["active"] for child in children)
        shown.append(item)
    return {"items": shown, "account": account}


def taxonomy_stamp() -> tuple:
    """Changes whenever the taxonomy changes, in one cheap query: every save or deletion of a
    domain or a capability writes a history row (the admin, ``load_taxonomy``), so the largest
    history ids and the number of capabilities stand for the content. Readers that parse the
    taxonomy (the matching analysis of a search query) compare it instead of reading and
    serialising every capability on each request (issue 19). Rows written around the models
    (raw SQL, ``update()``) are not seen until the next saved change."""

    def latest(model):  # Max() of the one-row subquery: aggregate() takes only aggregates
        return Max(Subquery(model.history.model.objects.order_by("-history_id").values("history_id")[:1]))

    row = Capability.objects.aggregate(capabilities=Count("pk"), c=latest(Capability), d=latest(Domain))
    return (row["capabilities"], row["c"], row["d"])
