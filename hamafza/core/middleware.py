from django.utils import translation


class UserLanguageMiddleware:
    """For `/` and other unprefixed URLs, prefer the signed-in user's language (else Persian).

    It runs before Django's LocaleMiddleware and only sets the language cookie-equivalent that
    LocaleMiddleware reads for redirects; an explicit /fa/ or /en/ prefix always wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get("hamafza_language") if hasattr(request, "session") else None
        if language in ("fa", "en"):
            request.COOKIES.setdefault("django_language", language)
        return self.get_response(request)


def activate_user_language(user) -> None:
    if user.is_authenticated and user.preferred_language:
        translation.activate(user.preferred_language)
