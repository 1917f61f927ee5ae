from hamafza.core.selectors import navigation_menu


def navigation(request):
    """The main navigation (links and dropdowns) and the entries of the person's own menu."""
    menu = navigation_menu(request)
    return {"nav": menu["items"], "nav_account": menu["account"]}
