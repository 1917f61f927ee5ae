"""Reads of the accounts app: the navigation entries of the user's cities."""

from django.urls import reverse

from hamafza.accounts.rules import roles_of


def city_navigation(request, flags) -> list[dict]:
    """One entry per city the signed-in user holds a role in (navigation order 60)."""
    cities = {}
    for role in roles_of(request.user):
        cities.setdefault(role.city.slug, role.city)
    return [{"label": city.name, "url": reverse("core:city_detail", args=[city.slug])} for city in cities.values()]
