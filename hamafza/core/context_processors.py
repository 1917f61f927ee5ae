from hamafza.core.selectors import navigation_for


def navigation(request):
    """Per-role navigation entries and the other language's URL for the language switch."""
    return {"nav": navigation_for(request)}
