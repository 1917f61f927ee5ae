"""The pilots app's panels of the role workspaces (ADR 0022): pilots with overdue milestones and
agreements with obligations due (innovation managers), milestones waiting for the host unit's
review (unit staff). Each panel is one bounded query over the user's cities."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hamafza.accounts.models import CityRole
from hamafza.accounts.workspace import role_city_ids, role_unit_ids
from hamafza.core.workspace import Item, Panel, capped
from hamafza.pilots.models import Agreement, Milestone, Obligation, Pilot

#: Obligations due within this many days (or overdue) are shown.
OBLIGATIONS_WITHIN_DAYS = 30


def overdue_milestones_panel(ws) -> Panel:
    today = timezone.localdate()
    milestones, more = capped(
        Milestone.objects.filter(
            pilot__city_id__in=role_city_ids(ws, CityRole.Role.INNOVATION_MANAGER),
            pilot__state__in=Pilot.OPEN_STATES,
            status__in=(Milestone.Status.PENDING, Milestone.Status.RETURNED),
            due_date__lt=today,
        )
        .select_related("pilot")
        .order_by("due_date", "pk")
    )
    return Panel(
        key="overdue-milestones",
        title=_("Pilots with overdue milestones"),
        items=[
            Item(
                label=m.pilot.title,
                url=reverse("pilots:pilot_detail", args=[m.pilot_id]),
                detail=m.title,
                badge=pgettext_lazy("text", "overdue"),
                tone="danger",
                when=m.due_date,
                when_label=pgettext_lazy("text", "due"),
            )
            for m in milestones
        ],
        empty=_("No pilot milestone is overdue."),
        more={"label": pgettext_lazy("menu", "All pilots"), "url": reverse("pilots:pilot_list")},
        has_more=more,
    )


def obligations_due_panel(ws) -> Panel:
    today = timezone.localdate()
    obligations, more = capped(
        Obligation.objects.filter(
            agreement__city_id__in=role_city_ids(ws, CityRole.Role.INNOVATION_MANAGER),
            agreement__status__in=(Agreement.Status.SIGNED, Agreement.Status.ACTIVE),
            status=Obligation.Status.OPEN,
            due_date__lte=today + datetime.timedelta(days=OBLIGATIONS_WITHIN_DAYS),
        )
        .select_related("agreement", "party")
        .order_by("due_date", "pk")
    )
    return Panel(
        key="obligations",
        title=_("Agreements with obligations due"),
        items=[
            Item(
                label=o.agreement.title,
                url=reverse("pilots:agreement_detail", args=[o.agreement_id]),
                detail=str(o),
                badge=pgettext_lazy("text", "overdue") if o.due_date < today else "",
                tone="danger",
                when=o.due_date,
                when_label=pgettext_lazy("text", "due"),
            )
            for o in obligations
        ],
        empty=_("No obligation of a signed agreement falls due in the next month."),
        has_more=more,
    )


def milestones_to_review_panel(ws) -> Panel:
    milestones, more = capped(
        Milestone.objects.filter(
            pilot__unit_id__in=role_unit_ids(ws, CityRole.Role.UNIT_STAFF), status=Milestone.Status.SUBMITTED
        )
        .select_related("pilot")
        .order_by("submitted_at", "pk")
    )
    return Panel(
        key="milestones-review",
        title=_("Pilot milestones to review"),
        items=[
            Item(
                label=m.pilot.title,
                url=reverse("pilots:pilot_detail", args=[m.pilot_id]),
                detail=m.title,
                when=m.submitted_at,
                when_label=pgettext_lazy("text", "sent"),
            )
            for m in milestones
        ],
        empty=_("No milestone of a pilot your unit hosts is waiting for your review."),
        more={"label": pgettext_lazy("menu", "All pilots"), "url": reverse("pilots:pilot_list")},
        has_more=more,
    )
