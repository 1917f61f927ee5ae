from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hamafza.core"
    label = "core"
    verbose_name = _("Cities and taxonomy")

    def ready(self):
        from hamafza.core import hooks, selectors

        hooks.navigation.register(selectors.core_navigation, order=10)
        hooks.navigation.register(selectors.cities_navigation, order=30)
        hooks.navigation.register(selectors.admin_navigation, order=200)
