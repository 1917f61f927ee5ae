"""The matching app's panel of the role workspaces (ADR 0022): "calls for you", the open calls the
engine ranks best for the user's first organization (organization members). Bounded: the engine
returns the top few, their calls are read in one query."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.formatting import digits
from hamafza.core.workspace import LIMIT, Item, Panel
from hamafza.directory.models import Organization
from hamafza.directory.selectors import member_organization_ids
from hamafza.matching.selectors import calls_for_organization


def calls_for_you_panel(ws) -> Panel | None:
    organization = Organization.objects.filter(pk__in=member_organization_ids(ws.user)).order_by("name").first()
    if organization is None:
        return None
    rows = calls_for_organization(organization=organization, user=ws.user, top=LIMIT)
    return Panel(
        key="calls-for-you",
        title=_("Calls for %(organization)s") % {"organization": organization.name},
        items=[
            Item(
                label=r.call.title,
                url=reverse("challenges:call_detail", args=[r.call.pk]),
                detail=r.call.city.name,
                badge=pgettext_lazy("text", "%(percent)s%% match") % {"percent": digits(r.percent)},
                tone="info",
                when=r.call.closes_at,
                when_label=pgettext_lazy("text", "closes"),
            )
            for r in rows
        ],
        empty=_("No open call fits this organization now. Complete its capabilities so the matching finds more."),
        actions=[] if rows else [{"label": _("Browse the open challenges"), "url": reverse("challenges:call_list")}],
        more={"label": _("All calls for you"), "url": reverse("matching:calls_for_you", args=[organization.slug])},
        has_more=len(rows) >= LIMIT,
    )
