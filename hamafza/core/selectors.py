"""Reads for cities, units and the taxonomy. Every read of city-owned data is scoped by city."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
    """Home and cities for everyone (orders 10 and 30)."""
    return [{"label": _("Home"), "url": reverse("core:home")}]


def cities_navigation(request, flags) -> list[dict]:
    return [{"label": _("Cities"), "url": reverse("core:city_list")}]


def admin_navigation(request, flags) -> list[dict]:
    if request.user.is_authenticated and request.user.is_staff:
        return [{"label": _("Administration"), "url": reverse("admin:index")}]
    return []
