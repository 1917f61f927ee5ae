"""What the resources of the pilots API share: the pilot and the agreement as the rules let the
caller see them, private downloads and the 409 documentation."""

from __future__ import annotations

from django.http import FileResponse, Http404

from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.problems import problem_doc
from hamafza.pilots import selectors
from hamafza.pilots.models import Agreement, Pilot

REFUSED_DOC = problem_doc("Refused now (`refused`, with the reasons in `errors`).")
DOWNLOAD_DOC = {
    "responses": {
        200: {
            "description": "The file, always as a download (`Content-Disposition: attachment`).",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def pilot_for(request, pilot_id: int, perm: str | None = None) -> Pilot:
    """The pilot if the caller may see its working pages (404 otherwise), then `perm` (403)."""
    pilot = selectors.pilot_get_for(user=request.user, pk=pilot_id)
    if perm is not None:
        ensure_perm(request, perm, pilot)
    return pilot


def pilot_confidential_for(request, pilot_id: int) -> Pilot:
    """The pilot if the caller may see its confidential parts (404 otherwise: as on the pages, the
    budget lines and files of a pilot are not shown to others at all)."""
    pilot = pilot_for(request, pilot_id)
    ensure_perm(request, "pilots.view_pilot_confidential", pilot, hide=True)
    return pilot


def agreement_for(request, agreement_id: int, perm: str | None = None) -> Agreement:
    agreement = selectors.agreement_get_for(user=request.user, pk=agreement_id)
    if perm is not None:
        ensure_perm(request, perm, agreement)
    return agreement


def private_download(stored, name: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
