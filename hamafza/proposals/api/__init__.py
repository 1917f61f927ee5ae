"""API v1 of the proposals app: confidential proposals, their attachments and submission receipts,
and the evaluation — the judges' side (declarations, score sheets, their queue) and the innovation
manager's side (the panel, its rubric and invited experts, the ranking, the shortlist, decisions and
results) — one module per resource.

A thin skin over the proposals app: every read starts from ``proposals.selectors``
(``proposals_visible_to`` and ``scores_visible_to``, the one definition of who sees what), every
write goes through one ``proposals.services`` function, and the rules are asked with
``proposals.rules.can`` (no superuser bypass, as on the pages). Nothing here decides who may do what.

- A proposal the caller may not see is a 404, never a 403: its existence is confidential.
- A step the services refuse now is a 409 ``refused`` problem whose ``errors`` give the reasons,
  named after what refused: ``proposal``, ``panel`` (panels, rubric, invitations) or ``call``
  (results); an edit or a score sheet saved by someone else since the caller's ``version`` is a
  409 ``conflict`` problem carrying ``current_version``.
"""

from hamafza.core.api.routers import ApiRouter
from hamafza.proposals.api import (
    attachments,
    decisions,
    invitations,
    judging,
    panels,
    proposals,
    results,
    rubric,
)

router = ApiRouter(tags=["proposals and evaluation"])
for resource in (proposals, judging, panels, rubric, invitations, decisions, results, attachments):
    router.add_router("", resource.router)
