"""Finding 7 of issue 17: uploads. A DOCX that inflates to hundreds of MB, one carrying a program or
a `../` entry, a 100 MB body read whole before the refusal, and need attachments that kept any
extension (`evil.html`) without the proposals' checks. Now every upload goes through
`core.uploads` (one set of checks), archives are inflated with a cap, and a body larger than any
accepted file is refused from its Content-Length before a byte is read."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hamafza.challenges.models import Need, NeedAttachment
from hamafza.core import uploads
from hamafza.proposals.models import Proposal, ProposalAttachment
from hamafza.proposals.tests.factories import ProposalFactory, ooxml_bytes, pdf_bytes
from tests.hardening.conftest import bearer, signed_in

pytestmark = pytest.mark.django_db

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx(extra: dict[str, bytes] | None = None, *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def bomb(inflated_mb: int) -> bytes:
    """A valid DOCX with one part of zeros: a few hundred KB that inflate to `inflated_mb` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", docx_types())
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/filler.bin", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_mb):
                part.write(block)
    return buffer.getvalue()


def docx_types():
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>'
    )


def check(content: bytes, name="plan.docx", kinds=uploads.PROPOSAL_KINDS):
    return uploads.check_upload(SimpleUploadedFile(name, content), kinds=kinds)


def test_a_genuine_docx_is_accepted():
    assert check(docx()).kind == "docx"
    assert check(ooxml_bytes("docx")).kind == "docx"


def test_a_docx_inflating_to_400_mb_is_refused_without_inflating_it_all():
    content = bomb(400)
    assert len(content) < 1024 * 1024  # ~400 KB on the wire
    with pytest.raises(ValidationError) as refused:
        check(content)
    assert refused.value.code == "zip_bomb"


def test_a_docx_within_the_cap_but_with_an_absurd_ratio_is_refused():
    with pytest.raises(ValidationError) as refused:
        check(bomb(10))  # 10 MB of zeros in ~10 KB: a ratio of ~1000
    assert refused.value.code == "zip_bomb"


@pytest.mark.parametrize(
    "entry",
    ["../evil.xml", "word/../../evil.xml", "/etc/passwd", "C:/Windows/evil.xml", "word\\..\\evil.xml"],
)
def test_a_docx_with_an_unsafe_path_is_refused(entry):
    with pytest.raises(ValidationError) as refused:
        check(docx({entry: b"<x/>"}))
    assert refused.value.code == "zip_path"


@pytest.mark.parametrize(
    "entry, content",
    [
        ("word/embeddings/setup.exe", b"MZ\x90\x00" + b"\x00" * 64),
        ("word/media/image.png", b"MZ\x90\x00" + b"\x00" * 64),  # a program under an innocent name
        ("word/run.js", b"alert(1)"),
        ("word/install.bat", b"del *"),
    ],
)
def test_a_docx_carrying_a_program_is_refused(entry, content):
    with pytest.raises(ValidationError) as refused:
        check(docx({entry: content}))
    assert refused.value.code == "zip_program"


def test_the_api_refuses_the_bomb_and_the_program_with_400(client, world):
    proposal = ProposalFactory(call=world.published, organization=world.org, status=Proposal.Status.DRAFT)
    for content in (bomb(400), docx({"../../x.exe": b"MZ"})):
        response = client.post(
            f"/api/v1/proposals/{proposal.pk}/attachments",
            {"file": SimpleUploadedFile("plan.docx", content)},
            HTTP_ACCEPT_LANGUAGE="en",
            **bearer(world.org_member),
        )
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["name"] == "file"
    assert not ProposalAttachment.objects.exists()


class CountingStream:
    """A request body that is 100 MB long and counts what the server reads of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else min(size, 65536)
        self.read_bytes += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size)


@pytest.mark.parametrize("path_of", ["api", "page"])
def test_a_100_mb_body_is_refused_before_it_is_read(client, world, path_of):
    proposal = ProposalFactory(call=world.published, organization=world.org, status=Proposal.Status.DRAFT)
    stream = CountingStream()
    path = (
        f"/api/v1/proposals/{proposal.pk}/attachments"
        if path_of == "api"
        else f"/en/proposals/{proposal.pk}/attachments/"
    )
    if path_of == "page":
        signed_in(client, world.org_member)
    response = client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
        **{"wsgi.input": stream},
        **(bearer(world.org_member) if path_of == "api" else {}),
    )
    assert response.status_code == 413
    assert stream.read_bytes == 0


# --- need attachments ----------------------------------------------------------------------------
def _attach(client, world, name, content):
    signed_in(client, world.unit_staff)
    need = Need.objects.create(
        city=world.city, unit=world.unit, title="با پیوست", source=Need.Source.UNIT, submitted_by=world.unit_staff
    )
    response = client.post(
        f"/en/c/qom/needs/{need.pk}/edit/",
        {"title": "با پیوست", "urgency": "low", "action": "save", "file": SimpleUploadedFile(name, content)},
    )
    return need, response


def test_a_need_attachment_named_html_is_stored_with_the_detected_extension(client, world):
    need, response = _attach(client, world, "evil.html", pdf_bytes())
    assert response.status_code == 302
    attachment = NeedAttachment.objects.get(need=need)
    assert attachment.original_name == "evil.pdf" and attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    download = client.get(f"/en/c/qom/needs/{need.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert 'filename="evil.pdf"' in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "name, content",
    [
        ("evil.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("setup.docx", b"MZ\x90\x00" + b"\x00" * 100),
    ],
)
def test_need_attachments_refuse_what_proposals_refuse(client, world, name, content):
    need, response = _attach(client, world, name, content)
    assert response.status_code == 400
    assert not NeedAttachment.objects.filter(need=need).exists()


def test_a_plain_zip_or_a_docx_bomb_is_refused_on_a_need(client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", b"MZ")
    for content in (buffer.getvalue(), bomb(400)):
        need, response = _attach(client, world, "files.zip", content)
        assert response.status_code == 400
        assert not NeedAttachment.objects.filter(need=need).exists()


def test_text_and_images_are_still_accepted_on_needs():
    assert check(b"name,count\nqom,1\n", name="data.csv", kinds=uploads.NEED_KINDS).kind == "csv"
    assert check("یادداشت".encode(), name="note.txt", kinds=uploads.NEED_KINDS).kind == "txt"
    with pytest.raises(ValidationError):
        check(b"a\x00b", name="note.txt", kinds=uploads.NEED_KINDS)
