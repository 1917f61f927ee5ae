from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "hamafza.pilots"
    verbose_name = _("Pilots and agreements")

    def ready(self):
        from hamafza.pilots import hooks

        hooks.install()
