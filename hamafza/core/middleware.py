from django.conf import settings


class UserLanguageMiddleware:
    """For `/` and other unprefixed URLs, prefer the signed-in user's language (else Persian).

    It runs before Django's LocaleMiddleware and only sets the language cookie-equivalent that
    LocaleMiddleware reads for redirects; an explicit /fa/ or /en/ prefix always wins, and so does a
    language chosen with the switch (the real cookie). The browser's Accept-Language is ignored:
    many municipal computers run an English system, and the platform is Persian first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get("hamafza_language") if hasattr(request, "session") else None
        if language not in ("fa", "en"):
            language = settings.LANGUAGE_CODE
        request.COOKIES.setdefault(settings.LANGUAGE_COOKIE_NAME, language)
        return self.get_response(request)
