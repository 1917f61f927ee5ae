"""Finding 2 of issue 17: a NUL character (\\x00) anywhere the client puts input — path, query,
form, JSON — is a 400 with a clear message, never a 500 (PostgreSQL refuses NUL in text, so these
requests used to fail there). Run on PostgreSQL too:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/hamafza_findings pytest tests/hardening"""

import json

import pytest

from tests.hardening.conftest import call_api, signed_in

pytestmark = pytest.mark.django_db

NUL_MESSAGE_EN = "NUL character"

ANONYMOUS_API = [
    "/organizations/%00",
    "/organizations/alpha%00",
    "/cities/%00",
    "/cities/%00/units",
    "/taxonomy/capabilities/%00",
    "/organizations?city=%00",
    "/organizations?capability=%00",
    "/organizations?capability=waste.sorting%00",
    "/taxonomy/capabilities?domain=%00",
    "/calls?q=%00",
    "/calls?city=qom%00",
]


def assert_nul_problem(response, name=None):
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid_parameters"
    assert NUL_MESSAGE_EN in body["errors"][0]["message"]
    if name is not None:
        assert body["errors"][0]["name"] == name


@pytest.mark.parametrize("path", ANONYMOUS_API)
def test_anonymous_api_reads_with_a_nul_are_400(client, world, path):
    response = call_api(client, "get", path, HTTP_ACCEPT_LANGUAGE="en")
    assert_nul_problem(response)


def test_the_problem_is_in_persian_by_default(client, world):
    response = call_api(client, "get", "/organizations?city=%00")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"name": "query.city", "message": response.json()["errors"][0]["message"]}
    assert "NUL" in response.json()["errors"][0]["message"] and "نویسه" in response.json()["errors"][0]["message"]


def test_token_creation_with_a_nul_in_the_email_is_400(client, world):
    payload = json.dumps({"email": "org.admin\u0000@example.org", "password": "x", "name": "t"})
    response = client.post("/api/v1/auth/tokens", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert_nul_problem(response, "body.email")


def test_a_raw_nul_byte_in_a_json_body_is_400(client, world):
    response = client.post(
        "/api/v1/auth/tokens", b'{"email": "a\x00@b.c", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 400


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client, world):
    """`\\\\u0000` in JSON is a backslash then the letters u0000, not a NUL: no refusal for that."""
    payload = '{"email": "nobody\\\\u0000@example.org", "password": "wrong-password", "name": "t"}'
    response = client.post("/api/v1/auth/tokens", payload, content_type="application/json")
    assert response.status_code != 400 or "NUL" not in response.content.decode()


@pytest.mark.parametrize(
    "role, method, path, payload, expected",
    [
        (
            "unit_staff",
            "post",
            "/cities/qom/needs",
            {"title": "t", "unit": "waste", "capabilities": ["waste\u0000"]},
            "body.capabilities.0",
        ),
        (
            "org_admin",
            "patch",
            "/organizations/alpha",
            {"capabilities": ["waste.sorting\u0000"]},
            "body.capabilities.0",
        ),
        (
            "manager",
            "patch",
            "/calls/{draft}/settings",
            {"call_type": "invited", "invited_organizations": ["al\u0000"]},
            "body.invited_organizations.0",
        ),
        (
            "manager",
            "post",
            "/challenges/{published}/invitations",
            {"organizations": ["alpha\u0000"]},
            "body.organizations.0",
        ),
        (
            "manager",
            "post",
            "/calls",
            {"city": "qom", "unit": "waste", "title": "t", "capabilities": ["a\u0000"]},
            "body.capabilities.0",
        ),
    ],
)
def test_signed_in_writes_with_a_nul_are_400(client, world, role, method, path, payload, expected):
    path = path.format(draft=world.draft_call.pk, published=world.published.pk)
    response = call_api(client, method, path, world.users[role], payload, HTTP_ACCEPT_LANGUAGE="en")
    assert_nul_problem(response)
    assert response.json()["errors"][0]["name"] == expected


@pytest.mark.parametrize("path", ["/fa/organizations/%00/", "/fa/organizations/alpha%00/edit/", "/fa/c/%00/needs/"])
def test_pages_with_a_nul_in_the_path_are_400_pages(client, world, path):
    response = signed_in(client, world.org_admin).get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_pages_with_a_nul_in_the_query_are_400(client, world):
    response = client.get("/en/organizations/?q=%00")
    assert response.status_code == 400 and "NUL character" in response.content.decode()


@pytest.mark.parametrize("role", ["org_admin", "admin"])
def test_a_form_post_with_a_nul_is_400_and_changes_nothing(client, world, role):
    signed_in(client, world.users[role])
    before = world.org.description_fa
    response = client.post(
        "/en/organizations/alpha/edit/",
        {"name": "Alpha", "description_fa": "x\x00y", "capabilities": ["waste.sorting\x00"]},
    )
    assert response.status_code == 400 and "NUL character" in response.content.decode()
    world.org.refresh_from_db()
    assert world.org.description_fa == before


def test_a_multipart_field_or_file_name_with_a_nul_is_400(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in(client, world.unit_staff)
    response = client.post(
        "/fa/c/qom/needs/new/", {"title": "a\x00b", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")}
    )
    assert response.status_code == 400
    upload = SimpleUploadedFile("evil\x00.pdf", b"%PDF-1.4 x")
    response = client.post("/fa/c/qom/needs/new/", {"title": "ok", "attachments": upload})
    assert response.status_code == 400


def test_the_login_form_with_a_nul_is_400(client, world):
    response = client.post("/fa/accounts/login/", {"username": "a\x00@b.c", "password": "x"})
    assert response.status_code == 400
