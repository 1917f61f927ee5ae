from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from config.api import api
from hamafza.core import views as core_views

handler400 = "hamafza.core.views.error_400"
handler403 = "hamafza.core.views.error_403"
handler404 = "hamafza.core.views.error_404"
handler500 = "hamafza.core.views.error_500"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    # OpenID Connect sign-in (answers 404 unless OIDC_ENABLED): a fixed callback URL for the provider
    path("oidc/", include("hamafza.accounts.sso_urls")),
]

urlpatterns += i18n_patterns(
    # The admin signs in through the site's login (lock-out, two-factor), never its own form.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("hamafza.accounts.urls")),
    path("organizations/", include("hamafza.matching.urls")),
    path("organizations/", include("hamafza.directory.urls")),
    path("", include("hamafza.proposals.urls")),
    path("", include("hamafza.consortia.urls")),
    path("", include("hamafza.spaces.urls")),
    path("", include("hamafza.pilots.urls")),
    path("", include("hamafza.programs.urls")),
    path("", include("hamafza.insights.urls")),
    path("", include("hamafza.challenges.urls")),
    path("", include("hamafza.core.urls")),
    prefix_default_language=True,
)
