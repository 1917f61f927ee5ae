"""API v1 of co-working spaces — one module per resource.

A thin skin over the spaces app: reads through ``spaces.selectors``, writes through one
``spaces.services`` function, permissions from ``spaces.rules`` (the same as the pages):

- spaces, resources, opening hours and the day's slots are public (anonymous callers too);
- managing a space (its fields, resources, opening hours) is for the city's innovation managers
  and, for a space run by an organization, its admins (403 for others);
- booking needs a signed-in caller; a booking's details are seen only by the person who booked
  and the space's managers (404 for others: the slots show only "booked");
- the resource's rules refuse with a 400 naming the field (`body.starts_at`, `body.ends_at`,
  `body.attendees`); a taken slot is a 409 `slot_taken` naming the conflicting slot.
"""

from hamafza.core.api.routers import ApiRouter
from hamafza.spaces.api import bookings, spaces

router = ApiRouter(tags=["spaces"])
for resource in (spaces, bookings):
    router.add_router("", resource.router)
