"""A pilot's deliverables and evidence files: confidential (the city's managers, the host unit's
staff and the party organizations' members; 404 for others), content-checked like proposal
attachments."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, File, Form, Schema, Status, UploadedFile
from pydantic import StringConstraints

from hamafza.core.api.auth import ensure_perm
from hamafza.core.api.params import NO_NUL, id_param
from hamafza.core.api.problems import invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.pilots import selectors, services
from hamafza.pilots.api.common import DOWNLOAD_DOC, pilot_confidential_for, private_download
from hamafza.pilots.models import FileKind, PilotFile

router = ApiRouter()
FileTitle = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]


class PilotFileOut(Schema):
    id: int
    purpose: Literal[tuple(PilotFile.Purpose.values)]  # type: ignore[valid-type]
    title: str
    name: str = Field(alias="original_name", description="The sanitised file name.")
    kind: Literal[tuple(FileKind.values)] = Field(alias="content_kind")  # type: ignore[valid-type]
    size: int
    sha256: str
    milestone: int | None = Field(alias="milestone_id")
    uploaded_at: datetime.datetime = Field(alias="created_at")


@router.get(
    "/pilots/{pilot_id}/files",
    response=list[PilotFileOut],
    summary="The deliverables and evidence of a pilot",
    description="Confidential (404 for those outside the pilot's confidential set).",
)
def file_list(request, pilot_id: int = id_param("The pilot's id.")):
    return selectors.files_of(pilot=pilot_confidential_for(request, pilot_id), user=request.user)


@router.post(
    "/pilots/{pilot_id}/files",
    response={201: PilotFileOut},
    summary="Upload a deliverable or an evidence file",
    description="The city's managers, the host unit's staff and the party organizations' members. Multipart with "
    "a `file` part: PDF, DOCX, XLSX, PNG or JPEG recognised by its content, within the size limit (400 naming "
    "`file` otherwise).",
)
def file_upload(
    request,
    file: File[UploadedFile],
    purpose: Form[Literal[tuple(PilotFile.Purpose.values)]] = "evidence",  # type: ignore[valid-type]
    title: Form[FileTitle] = "",
    pilot_id: int = id_param("The pilot's id."),
):
    pilot = pilot_confidential_for(request, pilot_id)
    ensure_perm(request, "pilots.upload_file", pilot)
    try:
        f = services.pilot_file_add(pilot=pilot, by=request.user, upload=file, purpose=purpose, title=title)
    except ValidationError as exc:
        raise invalid_parameters([{"name": "file", "message": message} for message in exc.messages]) from exc
    return Status(201, f)


@router.get(
    "/pilots/{pilot_id}/files/{file_id}",
    response={200: None},
    summary="Download a pilot's file",
    description="The same check as the download page (404 otherwise); served as `application/octet-stream`.",
    openapi_extra=DOWNLOAD_DOC,
)
def file_download(request, pilot_id: int = id_param("The pilot's id."), file_id: int = id_param("The file's id.")):
    f = selectors.pilot_file_get_for(user=request.user, pk=file_id)
    if f.pilot_id != pilot_id:
        raise Http404
    return private_download(f.file, f.original_name)
