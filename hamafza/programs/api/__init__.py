"""API v1 of events and programs — one module per resource.

A thin skin over the programs app: reads start from ``programs.selectors``, writes go through one
``programs.services`` function, and who may do what is asked from ``programs.rules`` — the same
permissions as the pages (docs/programs.md).

- An event the caller may not see (a draft of another organiser) or an application outside the
  caller's team, mentoring or management is a 404; a step the caller may not take is a 403.
- A step the services refuse now (the event is not open, a stage that cannot follow) is a 409
  ``refused`` problem whose ``errors`` give the reasons.
"""

from hamafza.core.api.routers import ApiRouter
from hamafza.programs.api import applications, cohorts, events, jury, pitches, registrations

router = ApiRouter(tags=["programs"])
for resource in (events, registrations, pitches, jury, cohorts, applications):
    router.add_router("", resource.router)
