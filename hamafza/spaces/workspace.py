"""The spaces app's panel of the role workspaces (ADR 0022): the person's upcoming co-working
bookings, one bounded query (``capped``)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hamafza.core.workspace import Item, Panel, capped
from hamafza.spaces import selectors
from hamafza.spaces.models import Booking


def my_bookings_panel(ws) -> Panel | None:
    bookings, more = capped(selectors.bookings_of(user=ws.user).filter(state=Booking.State.CONFIRMED))
    if not bookings:
        return None  # a panel for people who book: none for the others
    return Panel(
        key="my-bookings",
        title=pgettext_lazy("heading", "My bookings"),
        items=[
            Item(
                label=str(b.resource),
                url=reverse("spaces:space_detail", args=[b.resource.space.slug]),
                detail=b.resource.space.name,
                when=b.starts_at,
                when_label=pgettext_lazy("text", "from"),
            )
            for b in bookings
        ],
        more={"label": pgettext_lazy("menu", "My bookings"), "url": reverse("spaces:my_bookings")},
        has_more=more,
    )
