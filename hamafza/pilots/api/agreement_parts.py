"""The parts of an agreement: its parties, obligations per party, milestones and signed documents
(the documents only for the parties and the city's managers; 404 for others)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Schema, Status, UploadedFile
from pydantic import StringConstraints

from hamafza.core.api.auth import PUBLIC, ensure_perm
from hamafza.core.api.params import MAX_ID, NO_NUL, InputSchema, id_param, unit_from_slug
from hamafza.core.api.problems import invalid, invalid_parameters
from hamafza.core.api.routers import ApiRouter
from hamafza.directory.models import Organization
from hamafza.pilots import selectors, services
from hamafza.pilots.api.agreements import AgreementPartyOut, PartyKindLiteral, decorate_parties
from hamafza.pilots.api.common import DOWNLOAD_DOC, REFUSED_DOC, agreement_for, private_download
from hamafza.pilots.models import AgreementMilestone, AgreementParty, FileKind, Obligation

router = ApiRouter()
FileTitle = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]


class AgreementPartyIn(InputSchema):
    kind: PartyKindLiteral
    unit: str | None = Field(None, max_length=60, pattern=NO_NUL, description="For a unit: its slug.")
    organization: str | None = Field(None, max_length=120, pattern=NO_NUL, description="An organization's slug.")
    name: str = Field("", max_length=200, pattern=NO_NUL, description="For another body (or a university by name).")
    body_kind: str = Field("", max_length=100, pattern=NO_NUL)
    role: str = Field("", max_length=200, pattern=NO_NUL)


class AgreementObligationOut(Schema):
    id: int
    party: int = Field(alias="party_id")
    description: str
    due_date: datetime.date | None
    status: Literal[tuple(Obligation.Status.values)]  # type: ignore[valid-type]
    done_at: datetime.datetime | None


class AgreementObligationIn(InputSchema):
    party: int = Field(ge=1, le=MAX_ID, description="One of the agreement's parties.")
    description: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    due_date: datetime.date | None = None


class AgreementObligationStatusIn(InputSchema):
    status: Literal[tuple(Obligation.Status.values)]  # type: ignore[valid-type]


class AgreementMilestoneOut(Schema):
    id: int
    title: str
    due_date: datetime.date | None
    status: Literal[tuple(AgreementMilestone.Status.values)]  # type: ignore[valid-type]
    done_at: datetime.datetime | None


class AgreementMilestoneIn(InputSchema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    due_date: datetime.date | None = None


class AgreementDocumentOut(Schema):
    id: int
    title: str
    name: str = Field(alias="original_name")
    kind: Literal[tuple(FileKind.values)] = Field(alias="content_kind")  # type: ignore[valid-type]
    size: int
    sha256: str
    uploaded_at: datetime.datetime = Field(alias="created_at")


@router.get(
    "/agreements/{agreement_id}/parties",
    response=list[AgreementPartyOut],
    summary="The parties of an agreement",
    auth=PUBLIC,
)
def party_list(request, agreement_id: int = id_param("The agreement's id.")):
    return decorate_parties(list(agreement_for(request, agreement_id).parties.all()))


@router.post(
    "/agreements/{agreement_id}/parties",
    response={201: AgreementPartyOut},
    summary="Add a party",
    description="The city's managers, while the agreement is a draft (409 `refused` after, or for a party already "
    "in it).",
    openapi_extra=REFUSED_DOC,
)
def party_add(request, payload: AgreementPartyIn, agreement_id: int = id_param("The agreement's id.")):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    unit = unit_from_slug(agreement.city, payload.unit, "body.unit")
    organization = None
    if payload.organization:
        organization = Organization.objects.filter(slug=payload.organization).first()
        if organization is None:
            raise invalid("body.organization", _("No organization of the directory has this slug."))
    party = services.agreement_party_add(
        agreement=agreement,
        by=request.user,
        kind=payload.kind,
        unit=unit,
        organization=organization,
        name=payload.name,
        body_kind=payload.body_kind,
        role=payload.role,
    )
    party = AgreementParty.objects.select_related("organization", "unit", "agreement__city").get(pk=party.pk)
    return Status(201, decorate_parties([party])[0])


@router.delete(
    "/agreements/{agreement_id}/parties/{party_id}",
    response={204: None},
    summary="Remove a party",
    description="The city's managers, while the agreement is a draft; the city itself stays.",
    openapi_extra=REFUSED_DOC,
)
def party_remove(
    request, agreement_id: int = id_param("The agreement's id."), party_id: int = id_param("The party's id.")
):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    party = agreement.parties.filter(pk=party_id).first()
    if party is None:
        raise Http404
    services.agreement_party_remove(party=party, by=request.user)
    return Status(204, None)


@router.get(
    "/agreements/{agreement_id}/obligations",
    response=list[AgreementObligationOut],
    summary="The obligations of an agreement, per party",
    auth=PUBLIC,
)
def obligation_list(request, agreement_id: int = id_param("The agreement's id.")):
    return list(agreement_for(request, agreement_id).obligations.all())


@router.post(
    "/agreements/{agreement_id}/obligations",
    response={201: AgreementObligationOut},
    summary="Add an obligation of a party",
    description="The city's managers, until the agreement is completed or terminated.",
    openapi_extra=REFUSED_DOC,
)
def obligation_add(request, payload: AgreementObligationIn, agreement_id: int = id_param("The agreement's id.")):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    party = agreement.parties.filter(pk=payload.party).first()
    if party is None:
        raise invalid("body.party", _("No party of this agreement has this id."))
    obligation = services.obligation_save(
        agreement=agreement, by=request.user, party=party, description=payload.description, due_date=payload.due_date
    )
    return Status(201, obligation)


@router.post(
    "/agreements/{agreement_id}/obligations/{obligation_id}/status",
    response=AgreementObligationOut,
    summary="Mark an obligation fulfilled, waived or open",
    description="The city's managers and the parties, while the agreement is signed or active; only the city waives.",
    openapi_extra=REFUSED_DOC,
)
def obligation_status(
    request,
    payload: AgreementObligationStatusIn,
    agreement_id: int = id_param("The agreement's id."),
    obligation_id: int = id_param("The obligation's id."),
):
    agreement = agreement_for(request, agreement_id, "pilots.update_obligation")
    obligation = agreement.obligations.select_related("agreement").filter(pk=obligation_id).first()
    if obligation is None:
        raise Http404
    return services.obligation_set_status(obligation=obligation, by=request.user, status=payload.status)


@router.get(
    "/agreements/{agreement_id}/milestones",
    response=list[AgreementMilestoneOut],
    summary="The milestones of an agreement",
    auth=PUBLIC,
)
def agreement_milestone_list(request, agreement_id: int = id_param("The agreement's id.")):
    return list(agreement_for(request, agreement_id).milestones.all())


@router.post(
    "/agreements/{agreement_id}/milestones",
    response={201: AgreementMilestoneOut},
    summary="Add a milestone of an agreement",
    description="The city's managers, until the agreement is completed or terminated.",
    openapi_extra=REFUSED_DOC,
)
def agreement_milestone_add(
    request, payload: AgreementMilestoneIn, agreement_id: int = id_param("The agreement's id.")
):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    return Status(201, services.agreement_milestone_save(agreement=agreement, by=request.user, **payload.model_dump()))


@router.post(
    "/agreements/{agreement_id}/milestones/{milestone_id}/done",
    response=AgreementMilestoneOut,
    summary="Mark an agreement's milestone done",
    openapi_extra=REFUSED_DOC,
)
def agreement_milestone_done(
    request, agreement_id: int = id_param("The agreement's id."), milestone_id: int = id_param("The milestone's id.")
):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    milestone = agreement.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return services.agreement_milestone_done(milestone=milestone, by=request.user)


def _confidential(request, agreement_id: int):
    agreement = agreement_for(request, agreement_id)
    ensure_perm(request, "pilots.view_agreement_confidential", agreement, hide=True)
    return agreement


@router.get(
    "/agreements/{agreement_id}/documents",
    response=list[AgreementDocumentOut],
    summary="The signed documents of an agreement",
    description="The parties and the city's managers (404 for others).",
)
def document_list(request, agreement_id: int = id_param("The agreement's id.")):
    agreement = _confidential(request, agreement_id)
    return list(selectors.agreement_documents_visible_to(request.user).filter(agreement=agreement))


@router.post(
    "/agreements/{agreement_id}/documents",
    response={201: AgreementDocumentOut},
    summary="Upload a signed document",
    description="The city's managers. Multipart with a `file` part (PDF, DOCX, XLSX, PNG or JPEG by content).",
)
def document_upload(
    request,
    file: File[UploadedFile],
    title: Form[FileTitle] = "",
    agreement_id: int = id_param("The agreement's id."),
):
    agreement = agreement_for(request, agreement_id, "pilots.manage_agreement")
    try:
        document = services.agreement_document_add(agreement=agreement, by=request.user, upload=file, title=title)
    except ValidationError as exc:
        raise invalid_parameters([{"name": "file", "message": message} for message in exc.messages]) from exc
    return Status(201, document)


@router.get(
    "/agreements/{agreement_id}/documents/{document_id}",
    response={200: None},
    summary="Download a signed document",
    description="The parties and the city's managers (404 otherwise); served as `application/octet-stream`.",
    openapi_extra=DOWNLOAD_DOC,
)
def document_download(
    request, agreement_id: int = id_param("The agreement's id."), document_id: int = id_param("The document's id.")
):
    document = selectors.agreement_document_get_for(user=request.user, pk=document_id)
    if document.agreement_id != agreement_id:
        raise Http404
    return private_download(document.file, document.original_name)
