"""OpenID Connect sign-in: `/oidc/authenticate/` starts it, the provider returns to `/oidc/callback/`
(register this URL with the provider). Both answer 404 unless OIDC_ENABLED."""

from django.urls import path

from hamafza.accounts import sso

urlpatterns = [
    path("authenticate/", sso.CityOIDCAuthenticationView.as_view(), name="oidc_authentication_init"),
    path("callback/", sso.CityOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
]
