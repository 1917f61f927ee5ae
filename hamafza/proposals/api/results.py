"""Publishing a call's results: the awarded proposals become the public results (read with
`GET /calls/{call_id}/results`) and the applicants are notified. A refusal is a 409 ``refused``
problem whose ``errors``, named ``call``, give the reasons."""

from __future__ import annotations

from ninja import Field, Schema

from hamafza.core.api.params import id_param
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_NOW_DOC, managed_call

router = ApiRouter(refused_as="call")


class ResultsPublishedOut(Schema):
    call: int
    state: str = Field(description="The call's state: `results_published`.")
    awarded: list[str] = Field(description="The awarded organizations' slugs (the public results).")


@router.post(
    "/calls/{call_id}/results/publish",
    response=ResultsPublishedOut,
    summary="Publish a call's results",
    description="The city's innovation managers, after the panel has closed and every submitted proposal "
    "has a decision (else 409 `refused`). The awarded proposals become the public results (`GET "
    "/calls/{call_id}/results`) and the applicants are notified.",
    openapi_extra=REFUSED_NOW_DOC,
)
def results_publish(request, call_id: int = id_param("The call's id.")):
    call = managed_call(request, call_id)
    services.results_publish(call=call, by=request.user)
    call.refresh_from_db(fields=["state"])  # the state machine saved its own copy
    return {
        "call": call.pk,
        "state": call.state,
        "awarded": [r.organization.slug for r in selectors.results_public(call=call) if r.organization_id],
    }
