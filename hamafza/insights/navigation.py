"""The insights entries of the main navigation (registered on `core.hooks.navigation`): the city's
dashboard for its innovation managers, the national dashboard for platform admins. No query: the
roles are the request's cached ones."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.rules import roles_of


def entries(request, flags) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    cities = {r.city.slug: r.city for r in roles_of(user) if r.role == CityRole.Role.INNOVATION_MANAGER}
    for city in cities.values():
        label = (
            pgettext_lazy("field label", "Insights: %(city)s") % {"city": city.name}
            if len(cities) > 1
            else pgettext_lazy("text", "Insights")
        )
        items.append({"label": label, "url": reverse("insights:city_dashboard", args=[city.slug]), "group": "work"})
    if user.has_perm("insights.view_national_dashboard"):
        items.append(
            {
                "label": pgettext_lazy("menu", "National insights"),
                "url": reverse("insights:national_dashboard"),
                "group": "work",
            }
        )
    return items
