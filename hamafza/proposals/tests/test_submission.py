"""Applying: drafts, submission with the deadline and eligibility enforced on the server,
withdrawal, receipts, attachments (type by content, size, names) and concurrent edits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from hamafza.accounts.tests.factories import PASSWORD
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory
from hamafza.proposals import attachments, services
from hamafza.proposals.models import Proposal, ProposalAttachment
from hamafza.proposals.tests import factories as f

VALUES = {"title": "Smart bins", "summary": "Sensors in bins", "approach": "LoRa network", "budget_rial": 1000}


@pytest.fixture
def applicant(city):
    org = OrganizationFactory(province="Qom")
    user = OrganizationMembershipFactory(organization=org).user
    call = f.CallFactory(city=city)
    return org, user, call


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_apply_save_draft_submit_and_receipt(applicant):
    org, user, call = applicant
    client = login(user)
    response = client.post(reverse("proposals:apply", args=[call.pk]), {**VALUES, "organization": org.pk})
    proposal = Proposal.objects.get(call=call, organization=org)
    assert response.status_code == 302 and proposal.status == Proposal.Status.DRAFT
    assert proposal.city_id == call.city_id
    response = client.post(reverse("proposals:proposal_submit", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    receipt = proposal.receipts.get()
    assert receipt.sha256 == services.content_hash(proposal) == proposal.receipt_hash
    page = client.get(reverse("proposals:proposal_detail", args=[proposal.pk])).content.decode()
    assert receipt.sha256 in page
    # Editing before the deadline keeps it submitted with a new receipt and a different hash.
    response = client.post(
        reverse("proposals:proposal_edit", args=[proposal.pk]),
        {**VALUES, "approach": "NB-IoT", "version": proposal.version},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.receipts.count() == 2
    assert proposal.receipt_hash != receipt.sha256
    assert proposal.history.count() >= 3  # the audit trail


@pytest.mark.django_db
def test_submission_at_the_deadline_boundary(applicant, monkeypatch):
    org, user, call = applicant
    deadline = datetime.datetime(
        2026, 3, 19, 23, 59, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    )
    call.opens_at = deadline - datetime.timedelta(days=30)
    call.closes_at = deadline
    call.save()
    monkeypatch.setattr(services, "now", lambda: deadline - datetime.timedelta(seconds=1))
    monkeypatch.setattr(timezone, "now", lambda: deadline - datetime.timedelta(seconds=1))
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    services.proposal_submit(proposal=proposal, by=user)  # one second before: accepted
    services.proposal_withdraw(proposal=proposal, by=user)
    monkeypatch.setattr(services, "now", lambda: deadline + datetime.timedelta(seconds=1))
    monkeypatch.setattr(timezone, "now", lambda: deadline + datetime.timedelta(seconds=1))
    with translation.override("en"), pytest.raises(services.Refused) as exc:
        services.proposal_submit(proposal=proposal, by=user)
    assert "deadline" in exc.value.reasons[0].lower()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN  # nothing already saved is lost
    assert proposal.approach == "LoRa network"
    # and through the browser path: a 400 page with the reason, the proposal unchanged
    response = login(user).post(reverse("proposals:proposal_submit", args=[proposal.pk]))
    assert response.status_code == 400
    assert 'id="errors"' in response.content.decode()


@pytest.mark.django_db
def test_ineligible_organization_is_refused_with_the_reason(applicant):
    org, user, call = applicant
    call.allowed_provinces = ["Tehran"]
    call.save()
    client = login(user)
    page = client.get(reverse("proposals:apply", args=[call.pk]))
    assert page.status_code == 200 and 'id="eligibility"' in page.content.decode()
    response = client.post(reverse("proposals:apply", args=[call.pk]), {**VALUES, "organization": org.pk})
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert VALUES["approach"] in response.content.decode()  # what the user typed is kept


@pytest.mark.django_db
def test_eligibility_is_rechecked_at_submission(applicant):
    org, user, call = applicant
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    call.knowledge_based_required = True
    call.save()
    with translation.override("en"), pytest.raises(services.Refused) as exc:
        services.proposal_submit(proposal=proposal, by=user)
    assert "knowledge-based" in exc.value.reasons[0]


@pytest.mark.django_db
def test_required_parts_and_one_proposal_per_applicant(applicant):
    org, user, call = applicant
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values={"title": "Only a title"})
    with pytest.raises(services.Refused):
        services.proposal_submit(proposal=proposal, by=user)
    with pytest.raises(services.StaleEdit):
        services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    response = login(user).post(reverse("proposals:apply", args=[call.pk]), {**VALUES, "organization": org.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/proposals/{proposal.pk}/edit/")


@pytest.mark.django_db
def test_concurrent_edit_is_refused_and_the_typed_text_kept(applicant):
    org, user, call = applicant
    other = OrganizationMembershipFactory(organization=org).user
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    services.proposal_save_draft(
        call=call,
        organization=org,
        by=other,
        values={**VALUES, "summary": "Other member's text"},
        proposal=proposal,
        expected_version=1,
    )
    response = login(user).post(
        reverse("proposals:proposal_edit", args=[proposal.pk]), {**VALUES, "summary": "My late text", "version": 1}
    )
    assert response.status_code == 409
    assert "My late text" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.summary == "Other member's text"


@pytest.mark.django_db
def test_a_non_member_cannot_write(applicant):
    org, user, call = applicant
    stranger = OrganizationMembershipFactory().user
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    with pytest.raises(services.PermissionDenied):
        services.proposal_submit(proposal=proposal, by=stranger)
    response = login(stranger).post(reverse("proposals:proposal_submit", args=[proposal.pk]))
    assert response.status_code == 404


# --- Attachments ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content,name,kind",
    [
        (f.pdf_bytes(), "plan.pdf", "pdf"),
        (f.png_bytes(), "photo.PNG", "png"),
        (f.jpeg_bytes(), "photo.jpeg", "jpeg"),
        (f.ooxml_bytes("docx"), "plan.docx", "docx"),
        (f.ooxml_bytes("docx", first="_rels/.rels"), "plan.docx", "docx"),
        (f.xlsx_bytes(), "budget.xlsx", "xlsx"),
        (f.pdf_bytes(), "report.exe", "pdf"),  # the content decides, the name follows
    ],
)
def test_accepted_types_are_detected_by_content(content, name, kind):
    checked = attachments.check_upload(SimpleUploadedFile(name, content))
    assert checked.kind == kind
    assert checked.name.endswith(attachments.EXTENSIONS[kind])


@pytest.mark.parametrize(
    "content,name",
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "plan.pdf"),  # an executable named .pdf
        (b"<html><script>alert(1)</script></html>", "plan.pdf"),
        (f.plain_zip_bytes(), "plan.docx"),  # a zip, not a Word document
        (f.ooxml_bytes("docx", macro=True), "plan.docx"),  # macro-enabled
        (b"GIF89a" + b"\x00" * 50, "image.png"),
        (b"", "empty.pdf"),
    ],
)
def test_forbidden_types_are_refused(content, name):
    with pytest.raises(ValidationError):
        attachments.check_upload(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\طرح نهایی.pdf", "طرح نهایی.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("...", "attachment.pdf"),
        ("report.pdf.exe", "report.pdf"),
    ],
)
def test_names_are_sanitised(raw, expected):
    assert attachments.sanitize_filename(raw, extension=".pdf") == expected


@pytest.mark.django_db
def test_upload_too_big_or_forbidden_keeps_the_proposal(applicant, settings):
    org, user, call = applicant
    settings.MAX_UPLOAD_MB = 1
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    client = login(user)
    url = reverse("proposals:attachment_upload", args=[proposal.pk])
    big = SimpleUploadedFile("big.pdf", f.pdf_bytes() + b"0" * (1024 * 1024 + 1))
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 20)})
    assert response.status_code == 400
    assert not ProposalAttachment.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("طرح.pdf", f.pdf_bytes())})
    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get()
    assert attachment.original_name == "طرح.pdf"
    stored = settings.PRIVATE_MEDIA_ROOT / attachment.file.name
    assert stored.exists() and "طرح" not in attachment.file.name  # random name on disk
    assert str(settings.PRIVATE_MEDIA_ROOT) not in str(settings.STATIC_ROOT)
    download = client.get(reverse("proposals:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.django_db
def test_submitted_then_closed_call_cannot_take_attachments(applicant, monkeypatch):
    org, user, call = applicant
    proposal = services.proposal_save_draft(call=call, organization=org, by=user, values=VALUES)
    later = call.closes_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(services, "now", lambda: later)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(services.Refused):
        services.attachment_add(proposal=proposal, by=user, upload=SimpleUploadedFile("a.pdf", f.pdf_bytes()))
