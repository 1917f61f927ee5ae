"""Reads for cities, units and the taxonomy. Every read of city-owned data is scoped by city."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
    """Navigation entries for the current user's roles (visitor, citizen, member, staff, admin)."""
    from hamafza.accounts.rules import roles_of

    user = request.user
    items = [
        {"label": _("Home"), "url": reverse("core:home")},
        {"label": _("Organizations"), "url": reverse("directory:organization_list")},
        {"label": _("Cities"), "url": reverse("core:city_list")},
        {"label": _("Challenges"), "url": reverse("challenges:call_list")},
        {"label": _("Missions"), "url": reverse("consortia:mission_list")},
    ]
    if user.is_authenticated:
        cities = {}
        for role in roles_of(user):
            cities.setdefault(role.city.slug, role.city)
        for city in cities.values():
            items.append({"label": city.name, "url": reverse("core:city_detail", args=[city.slug])})
        items.extend(_challenge_navigation(user))
        from hamafza.proposals.selectors import navigation_entries

        items.extend(navigation_entries(user))
        # navigation_entries cached whether the user belongs to an organization (no extra query).
        if getattr(user, "_hamafza_proposal_nav", {}).get("has_org"):
            items.append({"label": _("My consortia"), "url": reverse("consortia:my_consortia")})
        if user.is_staff:
            items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return items


def _challenge_navigation(user) -> list[dict]:
    """Entries of the challenges workflow: triage for managers, needs for unit staff, calls for
    facilitators, reports and notifications for everyone signed in."""
    from hamafza.accounts.rules import roles_of
    from hamafza.challenges.selectors import notification_unread_count
    from hamafza.core.templatetags.hamafza import digits

    items, seen = [], set()
    for role in roles_of(user):
        slug = role.city.slug
        entries = {
            "innovation_manager": (_("Triage inbox"), "challenges:triage_inbox"),
            "unit_staff": (_("My needs"), "challenges:need_list"),
            "facilitator": (_("Calls to define"), "challenges:city_calls"),
        }
        entry = entries.get(role.role)
        if entry and (slug, entry[1]) not in seen:
            seen.add((slug, entry[1]))
            label = entry[0] if len({r.city_id for r in roles_of(user)}) == 1 else f"{entry[0]} · {role.city.name}"
            items.append({"label": label, "url": reverse(entry[1], args=[slug])})
    items.append({"label": _("Report a problem"), "url": reverse("challenges:report_problem")})
    unread = notification_unread_count(user=user)
    label = _("Notifications") if not unread else f"{_('Notifications')} ({digits(unread)})"
    items.append({"label": label, "url": reverse("challenges:notifications")})
    return items
