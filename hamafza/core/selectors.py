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
    ]
    if user.is_authenticated:
        cities = {}
        for role in roles_of(user):
            cities.setdefault(role.city.slug, role.city)
        for city in cities.values():
            items.append({"label": city.name, "url": reverse("core:city_detail", args=[city.slug])})
        if user.is_staff:
            items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return items
