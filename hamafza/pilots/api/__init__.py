"""API v1 of pilots and agreements — one module per resource.

A thin skin over the pilots app: reads start from ``pilots.selectors`` (the one confidentiality
definition), writes go through one ``pilots.services`` function, and who may do what is asked from
``pilots.rules`` — the same permissions as the pages (docs/pilots.md).

- A pilot the caller may not see is a 404; its confidential parts (approved budget, payments,
  files) are null or a 404 for those outside the confidential set; a step the caller may not take
  is a 403.
- Agreements signed or later are public (value only when public); drafts, signed documents and
  the value when not public are for the parties and the city's managers.
- A step the services refuse now (a transition the state forbids, a payment over the budget) is a
  409 ``refused`` problem whose ``errors``, named ``state``, give the reasons.
"""

from hamafza.core.api.routers import ApiRouter
from hamafza.pilots.api import agreement_parts, agreements, files, kpis, milestones, pilots, reports

router = ApiRouter(tags=["pilots"])
for resource in (pilots, kpis, milestones, files, reports, agreements, agreement_parts):
    router.add_router("", resource.router)
