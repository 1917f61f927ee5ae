"""The docs page `/api/v1/docs`: Swagger UI served by the platform itself (vendored from npm, no
CDN, the online validator switched off), so the page calls no outside host."""

from __future__ import annotations

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class VendoredSwagger(Swagger):
    """Swagger UI from hamafza/core/static/vendor/swagger-ui (no CDN, no outside validator)."""

    template = "core/api_docs.html"

    def render_page(self, request, api, **kwargs):
        settings_ = dict(self.settings)
        settings_["url"] = self.get_openapi_url(api, kwargs)
        settings_["validatorUrl"] = None
        return render(request, self.template, {"api": api, "swagger_settings": settings_})
