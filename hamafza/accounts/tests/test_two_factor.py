"""Two-factor authentication: set up with a QR code made on the server, sign-in asks for the code,
recovery codes (shown once, single use), required for platform admins, innovation managers and
judges when TWO_FACTOR_REQUIRED is on, and the API's token creation needs the code as well."""

import json

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamafza.accounts.models import CityRole, SecurityEvent
from hamafza.accounts.services import two_factor_confirm, two_factor_start
from hamafza.accounts.tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "/fa/accounts/login/"
VERIFY = "/fa/accounts/login/verify/"
TWO_FACTOR = "/fa/accounts/profile/two-factor/"
PROFILE = "/fa/accounts/profile/"
TOKENS = "/api/v1/auth/tokens"


class Clock:
    """The authenticators' clock, moved on by the tests (a code is accepted once per 30 s)."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def tick(self) -> None:
        self.now += 30


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    import django_otp.plugins.otp_totp.models as totp_models

    fake = Clock()
    monkeypatch.setattr(totp_models, "time", fake)
    return fake


def code_for(device) -> str:
    """The authenticator app's code now (on the fake clock)."""
    import django_otp.plugins.otp_totp.models as totp_models

    otp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    otp.time = totp_models.time.time()
    return f"{otp.token():0{device.digits}d}"


def enrol(user):
    """`user` with a confirmed authenticator; returns (device, recovery codes)."""
    device = two_factor_start(user=user)
    codes = two_factor_confirm(user=user, device=device, token=code_for(device))
    device.refresh_from_db()
    return device, codes


def next_code(device) -> str:
    """The code of the next 30 seconds (each code is accepted once)."""
    import django_otp.plugins.otp_totp.models as totp_models

    totp_models.time.tick()
    return code_for(device)


def post_json(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- setting it up ------------------------------------------------------------------------------


def test_setting_up_shows_a_server_made_qr_code_then_recovery_codes_once(client):
    user = UserFactory(email="sara@example.org")
    client.force_login(user)

    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html  # an inline image, no external QR service
    assert "http" not in html.split('id="totp-qr"')[1].split("</div>")[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert page.context["secret"].replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()

    wrong = client.post(
        TWO_FACTOR, {"action": "confirm", "otp_token": "000000" if code_for(device) != "000000" else "1"}
    )
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(TWO_FACTOR, {"action": "confirm", "otp_token": code_for(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    # shown once: the page afterwards shows how many are left, not the codes
    again = client.get(TWO_FACTOR).content.decode()
    assert codes[0] not in again and "10" in again.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert "otp_enabled" in SecurityEvent.objects.filter(user=user).values_list("kind", flat=True)


def test_the_profile_offers_two_factor_to_everyone(client):
    client.force_login(UserFactory())
    html = client.get(PROFILE).content.decode()
    assert reverse("accounts:two_factor") in html


# --- signing in ---------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_before_the_session_is_signed_in(client):
    user = UserFactory(email="sara@example.org")
    device, _codes = enrol(user)

    response = client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD, "next": PROFILE})
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not is_logged_in(client)
    assert client.get(PROFILE).status_code == 302  # still anonymous

    assert client.post(VERIFY, {"otp_token": "12345"}).status_code == 400
    assert not is_logged_in(client)

    response = client.post(VERIFY, {"otp_token": next_code(device)})
    assert response.status_code == 302 and response["Location"] == PROFILE
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(PROFILE).status_code == 200
    assert SecurityEvent.objects.filter(user=user, kind="login_ok", detail__contains="two-factor").exists()
    assert SecurityEvent.objects.filter(user=user, kind="otp_failed").exists()


def test_a_recovery_code_signs_in_once(client):
    user = UserFactory(email="sara@example.org")
    _device, codes = enrol(user)

    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    assert client.post(VERIFY, {"otp_token": codes[0]}).status_code == 302
    assert is_logged_in(client)
    assert SecurityEvent.objects.filter(user=user, kind="recovery_code_used").exists()

    client.post("/fa/accounts/logout/")
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    assert client.post(VERIFY, {"otp_token": codes[0]}).status_code == 400
    assert not is_logged_in(client)


def test_wrong_codes_count_towards_the_lock(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(email="sara@example.org")
    device, _codes = enrol(user)
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    statuses = [client.post(VERIFY, {"otp_token": "99999999"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert client.post(VERIFY, {"otp_token": next_code(device)}).status_code == 429
    assert not is_logged_in(client)


def test_a_session_without_the_code_reaches_nothing(client):
    """A session signed in another way (single sign-on, an old session) must still give the code."""
    user = UserFactory(email="sara@example.org")
    device, _codes = enrol(user)
    client.force_login(user)

    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"

    assert client.post(VERIFY, {"otp_token": next_code(device), "next": PROFILE}).status_code == 302
    assert client.get(PROFILE).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_turning_it_off_needs_a_code(client):
    user = UserFactory(email="sara@example.org")
    device, _codes = enrol(user)
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    client.post(VERIFY, {"otp_token": next_code(device)})

    assert client.post(TWO_FACTOR, {"action": "disable", "otp_token": "1"}).status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists()
    response = client.post(TWO_FACTOR, {"action": "disable", "otp_token": next_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "otp_disabled" in SecurityEvent.objects.filter(user=user).values_list("kind", flat=True)


def test_new_recovery_codes_replace_the_old_ones(client):
    user = UserFactory(email="sara@example.org")
    device, old = enrol(user)
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    client.post(VERIFY, {"otp_token": next_code(device)})

    response = client.post(TWO_FACTOR, {"action": "codes", "otp_token": next_code(device)})
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    client.post("/fa/accounts/logout/")
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    assert client.post(VERIFY, {"otp_token": new[1].upper()}).status_code == 302  # any case
    client.post("/fa/accounts/logout/")
    client.post(LOGIN, {"username": "sara@example.org", "password": PASSWORD})
    assert client.post(VERIFY, {"otp_token": old[1]}).status_code == 400


# --- required for some roles -------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.mark.parametrize("role", ["platform_admin", CityRole.Role.INNOVATION_MANAGER, CityRole.Role.JUDGE])
def test_required_roles_must_enrol_and_reach_nothing_else(client, city, required, role):
    if role == "platform_admin":
        user = UserFactory(email="boss@example.org", is_staff=True, is_superuser=True)
    else:
        user = user_with_role(role, city, email="boss@example.org")

    response = client.post(LOGIN, {"username": "boss@example.org", "password": PASSWORD})
    assert response.status_code == 302
    for path in (PROFILE, "/fa/", "/fa/admin/", "/fa/accounts/profile/tokens/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR), path
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"

    page = client.get(TWO_FACTOR)
    assert page.status_code == 200 and page.context["required"]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(TWO_FACTOR, {"action": "confirm", "otp_token": code_for(device)})
    assert client.get(PROFILE).status_code == 200
    # and it cannot be turned off
    response = client.post(TWO_FACTOR, {"action": "disable", "otp_token": next_code(device)})
    assert response.status_code == 409
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@pytest.mark.parametrize("role", [CityRole.Role.UNIT_STAFF, CityRole.Role.FACILITATOR, None])
def test_other_users_are_not_forced(client, city, required, role):
    user = user_with_role(role, city) if role else UserFactory()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200


def test_a_platform_admin_resets_a_lost_phone(client, city, required):
    manager = user_with_role(CityRole.Role.INNOVATION_MANAGER, city, email="im@example.org")
    enrol(manager)
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    device, _codes = enrol(admin)
    client.post(LOGIN, {"username": "root@example.org", "password": PASSWORD})
    client.post(VERIFY, {"otp_token": next_code(device)})

    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "reset_two_factor", "_selected_action": [manager.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    event = SecurityEvent.objects.get(user=manager, kind="otp_disabled")
    assert "root@example.org" in event.detail
    # the manager signs in with the password alone, then must enrol again
    client.post("/fa/accounts/logout/")
    client.post(LOGIN, {"username": "im@example.org", "password": PASSWORD})
    assert client.get(PROFILE)["Location"].startswith(TWO_FACTOR)


# --- the API ---------------------------------------------------------------------------------------


def test_token_creation_needs_the_code_of_a_two_factor_account(client):
    user = UserFactory(email="amir@example.org")
    device, codes = enrol(user)
    body = {"email": "amir@example.org", "password": PASSWORD, "name": "portal"}

    response = post_json(client, TOKENS, body)
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    assert response["Content-Type"].startswith("application/problem+json")
    assert post_json(client, TOKENS, {**body, "otp": next_code(device)}).status_code == 201
    assert post_json(client, TOKENS, {**body, "otp": codes[3]}).status_code == 201

    used = post_json(client, TOKENS, {**body, "otp": codes[3]})  # a recovery code works once
    assert used.status_code == 401 and used.json()["code"] == "otp_invalid"
    assert SecurityEvent.objects.filter(user=user, kind="otp_failed").count() == 1


def test_token_creation_refuses_who_must_enrol_first(client, city, required):
    user_with_role(CityRole.Role.JUDGE, city, email="judge@example.org")
    response = post_json(client, TOKENS, {"email": "judge@example.org", "password": PASSWORD, "name": "x"})
    assert response.status_code == 403
    assert response.json()["code"] == "otp_enrolment_required"


def test_an_old_token_of_who_must_enrol_is_refused(client, city, required):
    from hamafza.accounts.services import api_token_create

    judge = user_with_role(CityRole.Role.JUDGE, city)
    _token, key = api_token_create(user=judge, name="old")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"
    enrol(judge)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_required_is_off_by_default_in_tests_and_on_in_production():
    import os
    import subprocess
    import sys

    from django.conf import settings

    assert settings.TWO_FACTOR_REQUIRED is False
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOW_SQLITE_IN_PRODUCTION": "1",
        "ALLOW_EAGER_TASKS": "1",
    }
    env.pop("TWO_FACTOR_REQUIRED", None)
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings;print(settings.TWO_FACTOR_REQUIRED)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.stdout.strip() == "True", out.stderr[-2000:]


def test_the_operator_command_resets_the_last_admin(city, settings):
    from io import StringIO

    from axes.models import AccessAttempt
    from django.core.management import call_command

    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enrol(admin)
    AccessAttempt.objects.create(username="root@example.org", ip_address="10.0.0.1", failures_since_start=9)
    out = StringIO()
    call_command("two_factor_reset", "ROOT@example.org", "--unlock", stdout=out)
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not AccessAttempt.objects.exists()
    assert "root@example.org" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("two_factor_reset", "nobody@example.org")
