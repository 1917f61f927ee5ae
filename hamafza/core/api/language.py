"""The language of an API answer: `title` and `detail` of problems, translated labels and messages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import trans_real


def api_language(request: HttpRequest) -> str:
    """fa or en: the first supported language of Accept-Language, else the page language."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _q in trans_real.parse_accept_lang_header(header):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
