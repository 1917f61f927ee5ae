from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hamafza.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from hamafza.accounts import selectors, signals, workspace  # noqa: F401  (signals: the audit of sign-ins)
        from hamafza.core import hooks

        hooks.navigation.register(selectors.city_navigation, order=60)
        hooks.workspace_context.register(workspace.workspace_context)
