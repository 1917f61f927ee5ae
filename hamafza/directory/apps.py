from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class DirectoryConfig(AppConfig):
    name = "hamafza.directory"
    label = "directory"
    verbose_name = pgettext_lazy("field label", "Directory")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.directory import selectors

        hooks.navigation.register(selectors.organizations_navigation, order=20)
        hooks.navigation_flags.register("has_org", selectors.has_organization_flag)
        hooks.home_context.register(selectors.home_context)
        hooks.profile_context.register(selectors.profile_context)
        hooks.workspace_context.register(selectors.workspace_context)
