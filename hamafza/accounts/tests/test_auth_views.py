"""Log in and out, registration, password reset and the profile page, through real requests."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from hamafza.accounts.models import CityRole, User
from hamafza.accounts.tests.factories import PASSWORD, UserFactory, user_with_role
from hamafza.directory.models import OrganizationMembership
from hamafza.directory.tests.factories import OrganizationMembershipFactory

pytestmark = pytest.mark.django_db

LOGIN = "/fa/accounts/login/"
LOGOUT = "/fa/accounts/logout/"
REGISTER = "/fa/accounts/register/"
PROFILE = "/fa/accounts/profile/"
RESET = "/fa/accounts/password-reset/"


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- log in / log out -------------------------------------------------------------------------


def test_login_page_renders_the_form(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'type="email"' in html
    assert 'name="password"' in html


def test_login_with_email_any_case_then_logout(client):
    user = UserFactory(email="sara@example.org")

    response = client.post(LOGIN, {"username": "Sara@Example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:workspace")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["hamafza_language"] == "fa"

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_login_follows_next(client):
    UserFactory(email="sara@example.org")
    response = client.post(
        LOGIN + "?next=/fa/accounts/profile/", {"username": "sara@example.org", "password": PASSWORD, "next": PROFILE}
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE


def test_login_refuses_an_external_next(client):
    UserFactory(email="sara@example.org")
    response = client.post(
        LOGIN, {"username": "sara@example.org", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:workspace")


def test_wrong_password_rerenders_with_400_and_keeps_the_email(client):
    UserFactory(email="sara@example.org")

    response = client.post(LOGIN, {"username": "sara@example.org", "password": "wrong-password"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="sara@example.org"' in html
    assert 'role="alert"' in html
    assert not is_logged_in(client)


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = client.post(LOGIN, {"username": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_logout_by_get_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(LOGOUT).status_code == 405
    assert is_logged_in(client)


def test_login_stores_the_preferred_language_for_unprefixed_urls(client):
    UserFactory(email="en@example.org", preferred_language="en")

    client.post(LOGIN, {"username": "en@example.org", "password": PASSWORD})

    assert client.session["hamafza_language"] == "en"
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


# --- registration ----------------------------------------------------------------------------


def test_registration_creates_a_citizen_and_logs_in(client):
    response = client.post(
        REGISTER,
        {
            "email": "New.Citizen@Example.org",
            "display_name_fa": "شهروند",
            "display_name_en": "Citizen",
            "preferred_language": "fa",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.citizen@example.org")
    assert user.check_password("a-long-unusual-passphrase")
    assert not user.city_roles.exists()
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password2": "something-else-entirely"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password2"),
        ({"email": "not-an-email"}, "email"),
        ({"preferred_language": "xx"}, "preferred_language"),
    ],
)
def test_bad_registration_rerenders_with_400_and_keeps_the_email(client, changes, field):
    data = {
        "email": "typed@example.org",
        "display_name_fa": "نام",
        "display_name_en": "",
        "preferred_language": "fa",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **changes,
    }

    response = client.post(REGISTER, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{data["email"]}"' in html
    assert 'value="نام"' in html
    assert f'id="id_{field}_error"' in html
    assert not User.objects.exists()
    assert not is_logged_in(client)


def test_registration_refuses_an_existing_email_in_any_case(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        REGISTER,
        {
            "email": "TAKEN@example.org",
            "preferred_language": "fa",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 400
    assert 'value="TAKEN@example.org"' in response.content.decode()
    assert User.objects.count() == 1


def test_registration_redirects_a_signed_in_user(client):
    client.force_login(UserFactory())
    assert client.get(REGISTER).status_code == 302


# --- password reset ----------------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="forgot@example.org")

    response = client.post(RESET, {"email": "forgot@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgot@example.org"]
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)

    # the link leads to the "choose a new password" form (Django hides the token behind a redirect)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    form_url = response.redirect_chain[-1][0]

    response = client.post(
        form_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")

    # the link works only once
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False

    assert (
        client.post(LOGIN, {"username": "forgot@example.org", "password": "a-brand-new-passphrase"}).status_code == 302
    )


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_with_a_forged_token_is_refused(client):
    UserFactory(email="forgot@example.org")
    response = client.get("/fa/accounts/reset/MQ/forged-token/", follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is False


# --- profile -----------------------------------------------------------------------------------


def test_profile_requires_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_profile_shows_roles_and_organizations(client, city):
    user = user_with_role(CityRole.Role.INNOVATION_MANAGER, city, email="manager@example.org")
    OrganizationMembershipFactory(user=user, organization__name="سبزاندیش", role=OrganizationMembership.Role.ADMIN)
    client.force_login(user)

    response = client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "manager@example.org" in html
    assert "قم" in html  # the city of the role
    assert "سبزاندیش" in html


def test_profile_query_count_does_not_grow_with_memberships(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    OrganizationMembershipFactory(user=user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PROFILE).status_code == 200
    OrganizationMembershipFactory.create_batch(10, user=user)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert client.get(PROFILE).status_code == 200


def test_profile_update_switches_the_language(client):
    user = UserFactory(preferred_language="fa")
    client.force_login(user)

    response = client.post(PROFILE, {"display_name_fa": "سارا", "display_name_en": "Sara", "preferred_language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"  # the profile, in the chosen language
    assert translation.get_language() == "fa"  # the switch does not leak past the request
    user.refresh_from_db()
    assert (user.display_name_fa, user.display_name_en, user.preferred_language) == ("سارا", "Sara", "en")
    assert client.session["hamafza_language"] == "en"
    assert client.get("/")["Location"] == "/en/"


def test_bad_profile_update_rerenders_with_400(client):
    user = UserFactory(preferred_language="fa", display_name_fa="قبلی")
    client.force_login(user)

    response = client.post(PROFILE, {"display_name_fa": "تازه", "display_name_en": "", "preferred_language": "xx"})

    assert response.status_code == 400
    assert 'value="تازه"' in response.content.decode()
    user.refresh_from_db()
    assert user.display_name_fa == "قبلی"
