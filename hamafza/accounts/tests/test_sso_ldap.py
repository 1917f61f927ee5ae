"""LDAP / Active Directory sign-in against a real OpenLDAP server (slapd) that the test starts:
the login form's email and directory password sign in, the account is created, the directory's
groups become city roles (LDAP_ROLE_MAP) and follow the directory at each sign-in."""

import json

import pytest

from hamafza.accounts.models import CityRole, SecurityEvent, User
from hamafza.accounts.tests.factories import PASSWORD, UserFactory
from hamafza.accounts.tests.ldap_server import SUFFIX, Slapd, missing_reason
from hamafza.core.tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(missing_reason() is not None, reason=str(missing_reason()))]

LOGIN = "/fa/accounts/login/"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
MANAGERS = f"cn=innovation-managers,{GROUPS}"
WATER = f"cn=water-staff,{GROUPS}"
EVERYONE = f"cn=everyone,{GROUPS}"


@pytest.fixture(scope="module")
def directory():
    server = Slapd().start()
    try:
        server.add(SUFFIX, {"objectClass": ["dcObject", "organization"], "dc": ["city"], "o": ["Qom municipality"]})
        for ou in ("people", "groups"):
            server.add(f"ou={ou},{SUFFIX}", {"objectClass": ["organizationalUnit"], "ou": [ou]})
        for uid, name, mail in (
            ("maryam", "مریم رضایی", "maryam@qom.test"),
            ("reza", "رضا کریمی", "reza@qom.test"),
        ):
            server.add(
                f"uid={uid},{PEOPLE}",
                {
                    "objectClass": ["inetOrgPerson"],
                    "uid": [uid],
                    "cn": [name],
                    "sn": [name.split()[-1]],
                    "displayName": [name],
                    "mail": [mail],
                    "userPassword": [f"{uid}-directory-pass"],
                },
            )
        server.add(
            MANAGERS,
            {"objectClass": ["groupOfNames"], "cn": ["innovation-managers"], "member": [f"uid=maryam,{PEOPLE}"]},
        )
        server.add(WATER, {"objectClass": ["groupOfNames"], "cn": ["water-staff"], "member": [f"uid=reza,{PEOPLE}"]})
        server.add(
            EVERYONE,
            {
                "objectClass": ["groupOfNames"],
                "cn": ["everyone"],
                "member": [f"uid=maryam,{PEOPLE}", f"uid=reza,{PEOPLE}"],
            },
        )
        yield server
    finally:
        server.stop()


@pytest.fixture
def ldap_on(settings, directory, city):
    settings.LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "hamafza.accounts.sso.CityLDAPBackend"]
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN = f"cn=admin,{SUFFIX}"
    settings.AUTH_LDAP_BIND_PASSWORD = "admin-secret"
    settings.LDAP_USER_SEARCH_BASE = PEOPLE
    settings.LDAP_USER_FILTER = "(mail=%(user)s)"
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS
    settings.LDAP_GROUP_TYPE = "groupOfNames"
    UnitFactory(city=city, slug="water")
    settings.LDAP_ROLE_MAP = {MANAGERS: ["qom:innovation_manager"], WATER: "qom:unit_staff:water"}
    return directory


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_a_directory_user_signs_in_with_the_directory_password_and_gets_the_mapped_role(client, ldap_on, city):
    response = login(client, "Maryam@Qom.test", "maryam-directory-pass")

    assert response.status_code == 302, response.content.decode()[:500]
    user = User.objects.get(email="maryam@qom.test")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.display_name_fa == "مریم رضایی"
    assert not user.has_usable_password()
    roles = list(user.city_roles.values_list("city__slug", "role", "source"))
    assert roles == [("qom", "innovation_manager", "ldap")]
    assert SecurityEvent.objects.filter(user=user, kind="login_ok", detail="LDAP").exists()


def test_unit_staff_from_a_group_get_their_unit(client, ldap_on, city):
    assert login(client, "reza@qom.test", "reza-directory-pass").status_code == 302
    role = CityRole.objects.get(user__email="reza@qom.test")
    assert (role.role, role.unit.slug, role.source) == ("unit_staff", "water", "ldap")


def test_a_wrong_directory_password_fails_and_counts_towards_the_lock(client, ldap_on, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert login(client, "maryam@qom.test", "wrong").status_code == 400
    assert login(client, "maryam@qom.test", "wrong").status_code == 429
    assert login(client, "maryam@qom.test", "maryam-directory-pass").status_code == 429
    assert not User.objects.filter(email="maryam@qom.test").exists()


def test_roles_follow_the_directory_and_platform_roles_stay(client, ldap_on, city, other_city):
    assert login(client, "maryam@qom.test", "maryam-directory-pass").status_code == 302
    user = User.objects.get(email="maryam@qom.test")
    CityRole.objects.create(user=user, city=other_city, role="judge")  # granted on the platform
    client.post("/fa/accounts/logout/")

    ldap_on.set_members(MANAGERS, [f"uid=reza,{PEOPLE}"])  # maryam leaves the group
    assert login(client, "maryam@qom.test", "maryam-directory-pass").status_code == 302

    roles = set(user.city_roles.values_list("city__slug", "role", "source"))
    assert roles == {("karaj", "judge", "manual")}
    ldap_on.set_members(MANAGERS, [f"uid=maryam,{PEOPLE}"])


def test_local_accounts_still_sign_in_and_ldap_is_off_by_default(client, ldap_on, settings):
    UserFactory(email="local@example.org")
    assert login(client, "local@example.org", PASSWORD).status_code == 302
    client.post("/fa/accounts/logout/")

    from django.conf import settings as live

    assert "hamafza.accounts.sso.CityLDAPBackend" in live.AUTHENTICATION_BACKENDS
    settings.AUTHENTICATION_BACKENDS = [b for b in live.AUTHENTICATION_BACKENDS if "LDAP" not in b]
    assert login(client, "maryam@qom.test", "maryam-directory-pass").status_code == 400


def test_ldap_is_off_in_the_default_settings():
    from django.conf import settings

    assert settings.LDAP_ENABLED is False
    assert not any("LDAP" in b or "OIDC" in b for b in settings.AUTHENTICATION_BACKENDS)


def test_role_maps_are_json_objects():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.authentication import _role_map

    raw = json.dumps({MANAGERS: "qom:innovation_manager", WATER: ["qom:unit_staff:water"]})
    assert _role_map(raw, "LDAP_ROLE_MAP") == {MANAGERS: ["qom:innovation_manager"], WATER: ["qom:unit_staff:water"]}
    assert _role_map("", "LDAP_ROLE_MAP") == {}
    with pytest.raises(ImproperlyConfigured):
        _role_map("not json", "LDAP_ROLE_MAP")
