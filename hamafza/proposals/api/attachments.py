"""The attachments of a proposal: listed and downloaded by whoever may see the proposal (404
otherwise), added by the applicant's members until the deadline."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import Field, File, Query, Schema, Status, UploadedFile

from hamafza.core.api.lists import ListQuery, page_of, paginate
from hamafza.core.api.params import id_param
from hamafza.core.api.problems import invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.proposals import selectors, services
from hamafza.proposals.api.common import REFUSED_NOW_DOC, ensure_can_change, proposal_for
from hamafza.proposals.models import ProposalAttachment

router = ApiRouter(refused_as="proposal")


class AttachmentOut(Schema):
    id: int
    proposal: int = Field(alias="proposal_id")
    name: str = Field(alias="original_name", description="The sanitised file name.")
    kind: Literal[tuple(ProposalAttachment.Kind.values)]  # type: ignore[valid-type]
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime.datetime = Field(alias="created_at")


class AttachmentFilters(ListQuery):
    pass


DOWNLOAD_DOC = {
    "responses": {
        200: {
            "description": "The file, always as a download (`Content-Disposition: attachment`).",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/proposals/{proposal_id}/attachments",
    response=page_of(AttachmentOut),
    summary="The attachments of a proposal",
    description="Whoever may see the proposal (404 otherwise), oldest first.",
)
def attachment_list(request, filters: Query[AttachmentFilters], proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    qs = selectors.attachments_visible_to(request.user).filter(proposal=proposal).order_by("created_at", "pk")
    return paginate(qs, filters)


@router.get(
    "/proposals/{proposal_id}/attachments/{attachment_id}",
    response={200: None},
    summary="Download an attachment",
    description="Whoever may see the proposal (404 otherwise; the same check as the download page). Served "
    "as `application/octet-stream` with the file name, never rendered by the client (`nosniff`, a sandboxing "
    "Content-Security-Policy, no caching).",
    openapi_extra=DOWNLOAD_DOC,
)
def attachment_download(
    request,
    proposal_id: int = id_param("The proposal's id."),
    attachment_id: int = id_param("The attachment's id."),
):
    attachment = selectors.attachment_get_for(user=request.user, pk=attachment_id)
    if attachment.proposal_id != proposal_id:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@router.post(
    "/proposals/{proposal_id}/attachments",
    response={201: AttachmentOut},
    summary="Attach a file to a proposal",
    description="Members of the applicant, until the deadline (409 `refused` after it). Multipart with a "
    "`file` part: PDF, DOCX, XLSX, PNG or JPEG, recognised by its content (not its name), within the size "
    "limit (400 naming `file` otherwise). A submitted proposal gets a new receipt.",
    openapi_extra=REFUSED_NOW_DOC,
)
def attachment_upload(request, file: File[UploadedFile], proposal_id: int = id_param("The proposal's id.")):
    proposal = proposal_for(request, proposal_id)
    ensure_can_change(request, proposal)
    try:
        attachment = services.attachment_add(proposal=proposal, by=request.user, upload=file)
    except ValidationError as exc:
        raise invalid_parameters([{"name": "file", "message": message} for message in exc.messages]) from exc
    return Status(201, attachment)
