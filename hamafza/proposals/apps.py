from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "hamafza.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.proposals import selectors

        hooks.navigation_flags.register("has_panel", selectors.has_panel_flag)
        hooks.navigation.register(selectors.navigation_entries, order=80)
