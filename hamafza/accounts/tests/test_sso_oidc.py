"""OpenID Connect sign-in against a real OpenID provider that the test runs in a thread
(oidc-provider-mock, built on Authlib): the code flow with state and nonce, the ID token checked
against the provider's keys, the account found or created by email, a claim's values mapped to
city roles (OIDC_ROLE_MAP) and kept in step at each sign-in."""

from urllib.parse import quote, urlsplit

import httpx
import pytest

from hamafza.accounts.models import CityRole, SecurityEvent, User

pytestmark = [
    pytest.mark.django_db,
    # the provider's own libraries (Authlib) warn about their deprecated internals
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

START = "/oidc/authenticate/"


@pytest.fixture(scope="module")
def provider(monkeypatch_module):
    # the provider refuses plain HTTP unless told it is a test on this machine
    monkeypatch_module.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Authlib's notes about its own deprecated modules
        import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture
def oidc_on(settings, provider, city):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "hamafza.accounts.sso.CityOIDCBackend"]
    settings.OIDC_RP_CLIENT_ID = "hamafza"
    settings.OIDC_RP_CLIENT_SECRET = "hamafza-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_VERIFY_KID = False  # the provider signs with one key that has no `kid`
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"hamafza-judges": ["qom:judge"], "hamafza-im": "qom:innovation_manager"}
    return provider


def set_claims(provider, sub, **claims):
    response = httpx.put(f"{provider}/users/{quote(sub)}", json=claims)
    assert response.status_code == 204


def sign_in(client, provider, sub, next_url="/fa/accounts/profile/"):
    """The browser's round trip: our start page -> the provider's form -> back to our callback."""
    response = client.get(START, {"next": next_url})
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    assert "nonce=" in authorize and "state=" in authorize
    answer = httpx.post(authorize, data={"sub": sub})
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["location"])
    assert back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_a_provider_user_signs_in_and_gets_the_mapped_role(client, oidc_on, city):
    set_claims(oidc_on, "sub-001", email="Leila@Qom.test", name="لیلا احمدی", groups=["hamafza-judges", "other"])

    response = sign_in(client, oidc_on, "sub-001")

    assert response.status_code == 302 and response["Location"] == "/fa/accounts/profile/"
    user = User.objects.get(email="leila@qom.test")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.display_name_fa == "لیلا احمدی"
    assert not user.has_usable_password()
    assert list(user.city_roles.values_list("city__slug", "role", "source")) == [("qom", "judge", "oidc")]
    assert SecurityEvent.objects.filter(user=user, kind="login_ok", detail="OpenID Connect").exists()
    assert client.get("/fa/accounts/profile/").status_code == 200


def test_roles_follow_the_claims_and_platform_roles_stay(client, oidc_on, city, other_city):
    set_claims(oidc_on, "sub-002", email="omid@qom.test", groups=["hamafza-im"])
    sign_in(client, oidc_on, "sub-002")
    user = User.objects.get(email="omid@qom.test")
    CityRole.objects.create(user=user, city=other_city, role="facilitator")
    client.post("/fa/accounts/logout/")

    set_claims(oidc_on, "sub-002", email="omid@qom.test", groups=["hamafza-judges"])
    sign_in(client, oidc_on, "sub-002")

    assert set(user.city_roles.values_list("city__slug", "role", "source")) == {
        ("qom", "judge", "oidc"),
        ("karaj", "facilitator", "manual"),
    }


def test_an_existing_account_is_found_by_email(client, oidc_on):
    from hamafza.accounts.tests.factories import UserFactory

    existing = UserFactory(email="sara@qom.test")
    set_claims(oidc_on, "sub-003", email="sara@qom.test")
    sign_in(client, oidc_on, "sub-003")
    assert client.session["_auth_user_id"] == str(existing.pk)
    assert User.objects.filter(email__iexact="sara@qom.test").count() == 1


def test_a_denied_or_forged_callback_does_not_sign_in(client, oidc_on):
    response = client.get(START)
    answer = httpx.post(response["Location"], data={"action": "deny"})
    back = urlsplit(answer.headers["location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response["Location"] == "/fa/accounts/login/"
    assert "_auth_user_id" not in client.session
    # a code with a state this browser never started
    forged = client.get("/oidc/callback/", {"code": "abc", "state": "not-ours"})
    assert forged.status_code == 400
    assert "_auth_user_id" not in client.session


def test_two_factor_users_still_give_their_code_after_single_sign_on(client, oidc_on):
    from hamafza.accounts.tests.factories import UserFactory
    from hamafza.accounts.tests.test_two_factor import enrol

    enrol(UserFactory(email="nima@qom.test"))
    set_claims(oidc_on, "sub-004", email="nima@qom.test")
    sign_in(client, oidc_on, "sub-004")
    response = client.get("/fa/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/fa/accounts/login/verify/")


def test_the_login_page_offers_the_municipality_sign_in_only_when_enabled(client, settings, oidc_on):
    assert START in client.get("/fa/accounts/login/").content.decode()
    settings.OIDC_ENABLED = False
    assert START not in client.get("/fa/accounts/login/").content.decode()
    assert client.get(START).status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
