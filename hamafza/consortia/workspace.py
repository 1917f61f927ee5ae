"""The consortia app's panel of the role workspaces (ADR 0022): the pending invitations to join a
consortium sent to the user's organizations (organization members). One bounded query."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.consortia.selectors import invitations_for_user
from hamafza.core.workspace import Item, Panel, capped


def invitations_panel(ws) -> Panel:
    invitations, more = capped(invitations_for_user(user=ws.user))
    return Panel(
        key="invitations",
        title=_("Invitations to consortia"),
        items=[
            Item(
                label=str(i.consortium.target),
                url=reverse("consortia:consortium_detail", args=[i.consortium_id]),
                detail=_("%(lead)s invites %(organization)s as %(role)s")
                % {"lead": i.consortium.lead.name, "organization": i.organization.name, "role": i.role},
                when=i.created_at,
                when_label=pgettext_lazy("text", "sent"),
            )
            for i in invitations
        ],
        empty=_("No invitation is waiting. Lead organizations invite partners to consortia for missions and calls."),
        actions=[]
        if invitations
        else [{"label": pgettext_lazy("menu", "Missions"), "url": reverse("consortia:mission_list")}],
        more={"label": pgettext_lazy("menu", "My consortia"), "url": reverse("consortia:my_consortia")},
        has_more=more,
    )
