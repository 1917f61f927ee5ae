"""API v1 of the challenges app: needs, calls (the public "challenges"), problem-definition
canvases, questions and answers, results — one module per resource.

A thin skin over the challenges app: every read goes through `challenges.selectors` (which ask the
`challenges.*` rules permissions, as the pages do), every write through one `challenges.services`
function (which asks them again). Nothing here decides who may do what. A step a state machine
refuses (`services.TransitionRefused`) is a 409 `transition_refused` problem whose `errors`, named
`state`, give the reasons (hamafza/core/api/problems.py).
"""

from hamafza.challenges.api import calls, canvas, needs, questions, results
from hamafza.core.api.routers import ApiRouter

router = ApiRouter(tags=["needs and challenges"])
for resource in (needs, calls, canvas, questions, results):
    router.add_router("", resource.router)
