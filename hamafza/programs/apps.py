from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "hamafza.programs"
    verbose_name = _("Events and programs")

    def ready(self):
        from hamafza.programs import hooks

        hooks.install()
