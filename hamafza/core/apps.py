from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hamafza.core"
    label = "core"
    verbose_name = _("Cities and taxonomy")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from hamafza.core import hooks, selectors
        from hamafza.core.middleware import session_mark_signed_in

        hooks.navigation.register(selectors.core_navigation, order=10)
        hooks.navigation.register(selectors.cities_navigation, order=30)
        hooks.navigation.register(selectors.admin_navigation, order=200)

        def start_session_clocks(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                session_mark_signed_in(request)

        user_logged_in.connect(start_session_clocks, dispatch_uid="hamafza-session-clocks", weak=False)
