"""Personal API tokens: created on the profile page or with a password, stored hashed, shown once,
optional expiry, revocable; a token acts with its user's roles only; rate limits."""

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hamafza.accounts.models import ApiToken, CityRole
from hamafza.accounts.services import api_token_create, api_token_revoke
from hamafza.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from hamafza.directory.tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def test_token_is_stored_hashed_and_only_shown_at_creation(client):
    user = UserFactory(email="amir@example.org")

    response = post_json(
        client, "/api/v1/auth/tokens", {"email": "Amir@Example.org", "password": PASSWORD, "name": "portal"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    key = body["token"]
    assert key.startswith("hmz_") and len(key) > 40
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == user and token.expires_at is None
    assert key not in token.key_hash and token.key_hash == ApiToken.hash_key(key)
    assert key.startswith(token.key_prefix) and len(token.key_prefix) < 12
    # the list never shows the secret again
    listed = client.get("/api/v1/auth/tokens", **bearer(key)).json()
    assert listed["items"][0]["id"] == token.pk
    assert "token" not in listed["items"][0]
    assert key not in json.dumps(listed)


def test_token_acts_as_its_user(client, city):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city)
    token, key = api_token_create(user=manager, name="dashboards")
    assert token.last_used_at is None

    body = client.get("/api/v1/me", **bearer(key)).json()

    token.refresh_from_db()
    assert token.last_used_at is not None

    assert body["email"] == manager.email
    assert body["authenticated_with"] == "token"
    assert body["roles"] == [{"city": "qom", "role": "innovation_manager", "unit": None}]
    assert body["is_platform_admin"] is False


def test_wrong_password_is_refused_without_a_token(client):
    UserFactory(email="amir@example.org")
    for payload in (
        {"email": "amir@example.org", "password": "wrong", "name": "x"},
        {"email": "nobody@example.org", "password": PASSWORD, "name": "x"},
    ):
        response = post_json(client, "/api/v1/auth/tokens", payload)
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token_and_their_tokens_stop_working(client):
    user = UserFactory(email="gone@example.org")
    _token, key = api_token_create(user=user, name="old")
    user.is_active = False
    user.save()

    assert (
        post_json(client, "/api/v1/auth/tokens", {"email": user.email, "password": PASSWORD, "name": "x"}).status_code
        == 401
    )
    assert client.get("/api/v1/me", **bearer(key)).json()["code"] == "token_invalid"


def test_token_body_is_validated(client):
    UserFactory(email="amir@example.org")
    response = post_json(
        client,
        "/api/v1/auth/tokens",
        {"email": "amir@example.org", "password": PASSWORD, "name": "", "expires_in_days": 0, "admin": True},
    )
    assert response.status_code == 400
    names = {e["name"] for e in response.json()["errors"]}
    assert {"body.name", "body.expires_in_days", "body.admin"} <= names


def test_expired_token_is_refused(client):
    user = UserFactory()
    response = post_json(
        client,
        "/api/v1/auth/tokens",
        {"email": user.email, "password": PASSWORD, "name": "short", "expires_in_days": 1},
    )
    key = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.expires_at - timezone.now() > datetime.timedelta(hours=23)
    assert client.get("/api/v1/me", **bearer(key)).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    # also on public reads: a refused token is never treated as anonymous
    assert client.get("/api/v1/cities", **bearer(key)).json()["code"] == "token_expired"


def test_revoked_token_is_refused(client):
    user = UserFactory()
    token, key = api_token_create(user=user, name="portal")
    assert client.get("/api/v1/me", **bearer(key)).status_code == 200

    response = client.delete(f"/api/v1/auth/tokens/{token.pk}", **bearer(key))

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"


def test_revoking_is_idempotent_and_audited():
    user = UserFactory()
    token, _key = api_token_create(user=user, name="portal")
    first = api_token_revoke(token=token, by=user).revoked_at
    assert api_token_revoke(token=token, by=user).revoked_at == first
    assert token.history.count() == 2  # created, revoked
    assert token.history.first().history_user == user


def test_nobody_revokes_another_users_token(client):
    owner, other = UserFactory(), UserFactory()
    token, _key = api_token_create(user=owner, name="mine")
    _other_token, other_key = api_token_create(user=other, name="theirs")

    assert client.delete(f"/api/v1/auth/tokens/{token.pk}", **bearer(other_key)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.get("/api/v1/auth/tokens", **bearer(other_key)).json()["count"] == 1


def test_token_never_gains_more_than_its_user(client, city, other_city):
    """A unit staff member's token cannot do what the pages forbid them: edit an organization they
    do not belong to, or verify one."""
    staff = user_with_role(CityRole.Role.UNIT_STAFF, city)
    org = OrganizationFactory()
    _token, key = api_token_create(user=staff, name="script")

    edit = client.patch(
        f"/api/v1/organizations/{org.slug}",
        json.dumps({"name": "Hijacked"}),
        content_type="application/json",
        **bearer(key),
    )
    verify = post_json(client, f"/api/v1/organizations/{org.slug}/verify", {"verified": True}, **bearer(key))

    assert edit.status_code == 403 and edit.json()["code"] == "permission_denied"
    assert verify.status_code == 403
    org.refresh_from_db()
    assert org.name != "Hijacked" and not org.verified


def test_session_needs_csrf_for_unsafe_methods_but_tokens_do_not(city):
    from django.test import Client

    user = UserFactory()
    org = OrganizationFactory()
    OrganizationMembershipFactory(organization=org, user=user)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.patch(
        f"/api/v1/organizations/{org.slug}", json.dumps({"city_name": "Karaj"}), content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"

    # with the CSRF cookie and header (as the docs page sends them) the session works
    browser.get("/api/v1/docs")
    csrf = browser.cookies["csrftoken"].value
    response = browser.patch(
        f"/api/v1/organizations/{org.slug}",
        json.dumps({"city_name": "Karaj"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200, response.content
    assert browser.get("/api/v1/me").json()["authenticated_with"] == "session"

    _token, key = api_token_create(user=user, name="script")
    script = Client(enforce_csrf_checks=True)
    response = script.patch(
        f"/api/v1/organizations/{org.slug}",
        json.dumps({"city_name": "Qom"}),
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 200, response.content


def test_me_needs_authentication(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def frozen_window(monkeypatch):
    """Keep every request in one rate-limit window, whatever the clock does during the test."""
    from hamafza.core.api import ratelimits as apiutils

    cache.clear()
    monkeypatch.setattr(apiutils.time, "time", lambda: 1_800_000_010.0)
    yield
    cache.clear()


def test_rate_limit_per_token(client, settings, frozen_window, city):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    _t1, key = api_token_create(user=UserFactory(), name="busy")
    _t2, other_key = api_token_create(user=UserFactory(), name="quiet")

    statuses = [client.get("/api/v1/cities", **bearer(key)).status_code for _ in range(3)]
    limited = client.get("/api/v1/cities", **bearer(key))

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited["Content-Type"].startswith("application/problem+json")
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert int(limited["Retry-After"]) == 50  # the window ends 50 s after the frozen clock
    # another token has its own allowance
    assert client.get("/api/v1/cities", **bearer(other_key)).status_code == 200


def test_rate_limit_per_address(client, settings, frozen_window, city):
    settings.API_RATE_LIMIT_ANON_PER_MINUTE = 2
    assert client.get("/api/v1/cities", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v1/cities/qom", REMOTE_ADDR="10.0.0.1").status_code == 200

    limited = client.get("/api/v1/cities", REMOTE_ADDR="10.0.0.1")

    assert limited.status_code == 429 and "Retry-After" in limited
    assert client.get("/api/v1/cities", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_rate_limit_counts_the_proxied_address_only_when_trusted(client, settings, frozen_window, city):
    settings.API_RATE_LIMIT_ANON_PER_MINUTE = 1
    settings.API_TRUSTED_PROXIES = 1
    assert client.get("/api/v1/cities", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get("/api/v1/cities", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
    assert client.get("/api/v1/cities", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 429


def test_token_creation_is_rate_limited_per_address_and_email(client, settings, frozen_window):
    settings.API_TOKEN_CREATE_PER_MINUTE = 2
    UserFactory(email="amir@example.org")
    payload = {"email": "amir@example.org", "password": "guess", "name": "x"}

    assert post_json(client, "/api/v1/auth/tokens", payload).status_code == 401
    assert post_json(client, "/api/v1/auth/tokens", payload).status_code == 401
    limited = post_json(client, "/api/v1/auth/tokens", {**payload, "password": PASSWORD})

    assert limited.status_code == 429 and limited["Retry-After"]
    assert not ApiToken.objects.exists()
    # the same email from another address is still limited (per email)
    other = post_json(client, "/api/v1/auth/tokens", {**payload, "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 429


# --- the profile page --------------------------------------------------------------------------


def test_profile_links_to_the_token_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:profile"))
    assert reverse("accounts:api_tokens") in response.content.decode()


def test_token_page_creates_a_token_shown_once(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:api_tokens")

    response = client.post(url, {"name": "e-services portal", "expires": "30"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    html = response.content.decode()
    key = html.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert ApiToken.hash_key(key) == token.key_hash
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    # shown once: the next visit lists the token but not its secret
    again = client.get(url).content.decode()
    assert "e-services portal" in again and key not in again
    # and the token works on the API
    assert client.get("/api/v1/me", **bearer(key)).json()["email"] == user.email


def test_token_page_bad_input_is_a_400_with_what_was_typed(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:api_tokens"), {"name": "my script", "expires": "forever"})
    assert response.status_code == 400
    assert "my script" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_page_revokes_own_tokens_only(client):
    user, other = UserFactory(), UserFactory()
    mine, _k1 = api_token_create(user=user, name="mine")
    theirs, _k2 = api_token_create(user=other, name="theirs")
    client.force_login(user)

    assert client.post(reverse("accounts:api_token_revoke", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("accounts:api_token_revoke", args=[mine.pk]))

    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert client.get(reverse("accounts:api_token_revoke", args=[mine.pk])).status_code == 405


def test_token_page_needs_sign_in(client):
    response = client.get(reverse("accounts:api_tokens"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_platform_admin_creates_and_revokes_tokens_in_the_admin(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    service_account = UserFactory(email="portal@qom.example")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_apitoken_add"), {"user": service_account.pk, "name": "portal"}, follow=True
    )

    assert response.status_code == 200
    token = ApiToken.objects.get(user=service_account)
    shown = [str(m) for m in response.context["messages"] if "hmz_" in str(m)]
    key = shown[0].split(": ", 1)[1]
    assert ApiToken.hash_key(key) == token.key_hash
    assert client.get("/api/v1/me", **bearer(key)).json()["email"] == "portal@qom.example"

    client.post(reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
