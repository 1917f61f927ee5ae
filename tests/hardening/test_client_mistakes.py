"""Finding 6 of issue 17: client mistakes answered with 400 or 404, never a 500 — broken multipart
bodies on the attachment upload, an absurdly long line in the call's invited field, a CR/LF in the
export's format, and an export format that does not exist."""

import pytest

from hamafza.proposals.models import Proposal
from hamafza.proposals.tests.factories import ProposalFactory, pdf_bytes
from tests.hardening.conftest import bearer, call_api, signed_in

pytestmark = pytest.mark.django_db

BOUNDARY = "----hamafzaBoundary"


def multipart(filename: str, content: bytes = b"%PDF-1.4\n%%EOF\n", extra_headers: str = "") -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"{extra_headers}"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.fixture
def draft(world):
    return ProposalFactory(call=world.published, organization=world.org, status=Proposal.Status.DRAFT)


def upload(client, proposal, body, content_type=f"multipart/form-data; boundary={BOUNDARY}", user=None):
    return client.generic(
        "POST",
        f"/api/v1/proposals/{proposal.pk}/attachments",
        body,
        content_type=content_type,
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(user),
    )


def test_a_1000_character_file_name_is_accepted_with_a_short_safe_name_or_refused(client, world, draft):
    response = upload(client, draft, multipart("a" * 1000 + ".pdf", pdf_bytes()), user=world.org_member)
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 201:
        assert len(response.json()["name"]) <= 120


def test_a_missing_boundary_is_400(client, world, draft):
    response = upload(client, draft, multipart("a.pdf"), content_type="multipart/form-data", user=world.org_member)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "invalid_parameters"


def test_an_oversized_part_header_is_400(client, world, draft):
    body = multipart("a.pdf", extra_headers="X-Padding: " + "p" * 20_000 + "\r\n")
    response = upload(client, draft, body, user=world.org_member)
    assert response.status_code == 400, response.content[:300]


def test_a_truncated_multipart_body_is_400(client, world, draft):
    response = upload(client, draft, multipart("a.pdf")[:-30], user=world.org_member)
    assert response.status_code in (400, 201), response.content[:300]


def test_a_broken_multipart_body_on_a_page_is_a_400_page(client, world, draft):
    signed_in(client, world.org_member)
    response = client.generic(
        "POST", f"/en/proposals/{draft.pk}/attachments/", multipart("a.pdf"), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_a_100000_character_line_in_the_invited_field_is_a_form_error(client, world):
    signed_in(client, world.manager)
    path = f"/en/c/qom/calls/{world.draft_call.pk}/settings/"
    response = client.post(path, {"call_type": "invited", "invited": "x" * 100_000})
    assert response.status_code == 400
    assert "No organization found" in response.content.decode() or "at most" in response.content.decode()


def test_many_long_lines_in_the_invited_field_cost_no_query_each(client, world, django_assert_max_num_queries):
    signed_in(client, world.manager)
    path = f"/en/c/qom/calls/{world.draft_call.pk}/settings/"
    with django_assert_max_num_queries(40):
        response = client.post(path, {"call_type": "invited", "invited": "\n".join(["y" * 400] * 400)})
    assert response.status_code == 400


def test_a_long_search_text_is_no_500(client, world):
    long = "واژه" * 30_000
    assert client.get("/en/organizations/", {"q": long}).status_code in (200, 400)
    assert client.get("/en/challenges/", {"q": long}).status_code in (200, 400)
    assert call_api(client, "get", f"/organizations?q={long}").status_code in (200, 400)
    assert call_api(client, "get", f"/calls?q={long}").status_code in (200, 400)
    assert call_api(client, "get", f"/taxonomy/capabilities?q={long}").status_code in (200, 400)


@pytest.mark.parametrize(
    "suffix", ["csv%0d%0aX:1", "csv%0aX-Injected:1", "pdf", "exe", "xlsx%00", "CSV", "html"], ids=str
)
def test_an_unknown_export_format_is_404(client, world, suffix):
    signed_in(client, world.manager)
    response = client.get(f"/fa/calls/{world.published.pk}/proposals.{suffix}")
    assert response.status_code in (400, 404)
    assert "X-Injected" not in response and "Content-Disposition" not in response


@pytest.mark.parametrize("fmt, content_type", [("csv", "text/csv"), ("xlsx", "application/vnd.openxml")])
def test_the_two_export_formats_still_work(client, world, fmt, content_type):
    signed_in(client, world.manager)
    response = client.get(f"/fa/calls/{world.published.pk}/proposals.{fmt}")
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
