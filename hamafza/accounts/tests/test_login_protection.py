"""Issue 17, finding 5: wrong passwords lock the account and the client address for a while (the
login page and the API's token creation), the victim gets back in with a password reset, a
platform admin lifts a lock in the admin, and every sign-in event is audited."""

import json
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from hamafza.accounts.models import SecurityEvent
from hamafza.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/fa/accounts/login/"
LOGIN_EN = "/en/accounts/login/"
TOKENS = "/api/v1/auth/tokens"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3


def fail_login(client, email, times, url=LOGIN, **extra):
    return [client.post(url, {"username": email, "password": "wrong-guess"}, **extra) for _ in range(times)]


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def kinds(**filters):
    return list(SecurityEvent.objects.filter(**filters).order_by("pk").values_list("kind", flat=True))


def test_wrong_passwords_lock_the_account_then_the_right_one_is_refused(client):
    """The outside test's request: 30 wrong passwords, then the right one worked. Now it is refused."""
    UserFactory(email="sara@example.org")

    responses = fail_login(client, "sara@example.org", 3)

    assert [r.status_code for r in responses] == [400, 400, 429]
    response = client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "بازنشانی" in html and reverse("accounts:password_reset") in html  # Persian, points to the reset
    assert "۱۵" in html or "15" in html  # the cool-off in minutes
    assert int(response["Retry-After"]) == 15 * 60


def test_the_locked_page_speaks_english_on_english_pages(client):
    UserFactory(email="sara@example.org")
    fail_login(client, "sara@example.org", 3, url=LOGIN_EN)
    response = client.post(LOGIN_EN, {"username": "sara@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_lock_is_per_account_from_any_address(client):
    UserFactory(email="sara@example.org")
    fail_login(client, "sara@example.org", 3, REMOTE_ADDR="10.0.0.1")
    response = client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


def test_lock_is_per_address_across_accounts(client):
    """Guessing one password for many accounts from one address locks the address."""
    UserFactory(email="victim@example.org")
    for n in range(3):
        client.post(LOGIN, {"username": f"u{n}@example.org", "password": "guess"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    # the same account from another address is not locked
    other = client.post(LOGIN, {"username": "victim@example.org", "password": PASSWORD}, REMOTE_ADDR="10.0.0.10")
    assert other.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, settings):
    import datetime

    UserFactory(email="sara@example.org")
    fail_login(client, "sara@example.org", 3)
    assert client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - datetime.timedelta(hours=1))

    assert client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client):
    UserFactory(email="sara@example.org")
    fail_login(client, "sara@example.org", 2)
    assert client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}).status_code == 302
    client.post("/fa/accounts/logout/")
    responses = fail_login(client, "sara@example.org", 2)
    assert [r.status_code for r in responses] == [400, 400]


def test_the_victim_gets_back_in_with_a_password_reset(client):
    user = UserFactory(email="sara@example.org")
    fail_login(client, "sara@example.org", 3, REMOTE_ADDR="10.6.6.6")  # the attacker
    assert client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}).status_code == 429

    # the reset form itself is never locked
    response = client.post("/fa/accounts/password-reset/", {"email": "sara@example.org"})
    assert response.status_code == 302
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "a-fresh-passphrase-9", "new_password2": "a-fresh-passphrase-9"})
    assert response.status_code == 302

    response = client.post(LOGIN, {"username": "sara@example.org", "password": "a-fresh-passphrase-9"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert "unlocked" in kinds(user=user)


def test_a_platform_admin_lifts_the_lock_in_the_admin(client):
    user = UserFactory(email="sara@example.org")
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    fail_login(client, "sara@example.org", 3)
    assert AccessAttempt.objects.filter(username="sara@example.org").exists()

    client.force_login(admin)
    # the lock is listed in the admin (django-axes' access attempts) ...
    listed = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listed.status_code == 200 and "sara@example.org" in listed.content.decode()
    # ... and lifted with the users' action
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "lift_login_lock", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="sara@example.org").exists()
    client.logout()
    assert client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}).status_code == 302


def test_the_admin_login_form_goes_through_the_protected_login(client):
    response = client.get("/fa/admin/login/?next=/fa/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/fa/accounts/login/?next=/fa/admin/"


# --- the API's token creation -------------------------------------------------------------------


def test_token_creation_locks_the_account_too(client):
    UserFactory(email="amir@example.org")
    bad = {"email": "amir@example.org", "password": "wrong", "name": "x"}
    codes = [post_json(client, TOKENS, bad).status_code for _ in range(3)]
    assert codes == [401, 401, 429]

    response = post_json(client, TOKENS, {"email": "amir@example.org", "password": PASSWORD, "name": "x"})

    assert response.status_code == 429
    body = response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    assert body["code"] == "locked_out" and body["status"] == 429
    assert "بازنشانی" in body["detail"]
    assert body["retry_after"] == 15 * 60 and response["Retry-After"] == str(15 * 60)
    # and the web login of the same account is locked as well
    assert client.post(LOGIN, {"username": "amir@example.org", "password": PASSWORD}).status_code == 429


def test_token_creation_lock_message_in_english(client):
    UserFactory(email="amir@example.org")
    for _ in range(3):
        post_json(client, TOKENS, {"email": "amir@example.org", "password": "wrong", "name": "x"})
    body = post_json(
        client, TOKENS, {"email": "amir@example.org", "password": PASSWORD, "name": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in body["detail"]


# --- the audit ------------------------------------------------------------------------------------


def test_every_sign_in_event_is_audited(client):
    user = UserFactory(email="sara@example.org")

    client.post(LOGIN, {"username": "sara@example.org", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    client.post("/fa/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    post_json(client, TOKENS, {"email": "sara@example.org", "password": PASSWORD, "name": "portal"})
    fail_login(client, "sara@example.org", 3)

    assert kinds(user=user) == [
        *["login_failed", "login_ok", "logout", "token_created"],
        *["login_failed", "login_failed", "locked_out"],  # the third failure locks
    ]
    failed = SecurityEvent.objects.filter(kind="login_failed").order_by("pk").first()
    assert failed.username == "sara@example.org" and failed.ip_address == "10.1.2.3"
    assert failed.path == LOGIN
    # an unknown email is audited with what was typed
    client.post(LOGIN, {"username": "nobody@example.org", "password": "x"}, REMOTE_ADDR="10.9.9.9")
    assert SecurityEvent.objects.filter(kind="login_failed", username="nobody@example.org", user=None).exists()


def test_the_audit_is_read_only_in_the_admin(client):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    event = SecurityEvent.objects.get(kind="login_ok", user=admin)
    assert client.get(reverse("admin:accounts_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    response = client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
