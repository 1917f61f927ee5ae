"""API v1 of the consortia app: missions, the roles of a value chain (of a mission or a call),
proposal runs of the consortium optimiser, consortia and their invitations — one module per resource.

A thin skin over the consortia app: reads start from ``consortia.selectors``, writes go through one
``consortia.services`` function, and who may do what is asked from ``consortia.rules`` (the same
permissions as the pages, see docs/consortia.md).

- Missions are public; a call's roles are visible to whoever may see the call.
- A run, a consortium or an invitation the caller may not see is a 404 (as on the pages); one the
  caller sees but may not act on is a 403.
- A step the services refuse now (a role with members, an invitation already answered, the lead
  already leads a consortium, a full role) is a 409 ``refused`` problem whose ``errors``, named
  ``state``, give the reasons.
"""

from hamafza.consortia.api import consortia, invitations, missions, roles, runs
from hamafza.core.api.routers import ApiRouter

router = ApiRouter(tags=["consortia"])
for resource in (missions, roles, runs, consortia, invitations):
    router.add_router("", resource.router)
