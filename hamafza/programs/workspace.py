"""The programs app's panels of the role workspaces (ADR 0022): the person's upcoming event
registrations and the open milestones of the cohort teams they belong to or mentor. Each panel is one
bounded query (``capped``), never a count."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.core.workspace import Item, Panel, capped
from hamafza.programs import selectors
from hamafza.programs.models import Registration


def my_registrations_panel(ws) -> Panel | None:
    upcoming = selectors.registrations_of_user(user=ws.user).filter(event__ends_at__gt=timezone.now())
    registrations, more = capped(upcoming)
    if not registrations:
        return None  # a panel for people who take part in events: none for the others
    return Panel(
        key="my-registrations",
        title=_("My event registrations"),
        items=[
            Item(
                label=r.event.title,
                url=reverse("programs:event_detail", args=[r.event_id]),
                detail=r.event.city.name if r.event.city_id else "",
                badge=r.get_status_display(),
                tone="success" if r.status == Registration.Status.CONFIRMED else "warning",
                when=r.event.starts_at,
                when_label=pgettext_lazy("text", "from"),
            )
            for r in registrations
        ],
        more={"label": _("My events and teams"), "url": reverse("programs:mine")},
        has_more=more,
    )


def my_team_milestones_panel(ws) -> Panel | None:
    milestones, more = capped(selectors.milestones_of_user(user=ws.user).filter(signed_off_at__isnull=True))
    if not milestones:
        return None  # most people are in no cohort: no empty panel for them
    today = timezone.localdate()
    return Panel(
        key="team-milestones",
        title=pgettext_lazy("heading", "Cohort milestones"),
        items=[
            Item(
                label=m.title,
                url=reverse("programs:application_detail", args=[m.application_id]),
                detail=str(m.application.cohort),
                badge=pgettext_lazy("text", "overdue") if m.due_on < today else "",
                tone="danger",
                when=m.due_on,
                when_label=pgettext_lazy("text", "due"),
            )
            for m in milestones
        ],
        more={"label": _("My events and teams"), "url": reverse("programs:mine")},
        has_more=more,
    )
