from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SpacesConfig(AppConfig):
    name = "hamafza.spaces"
    verbose_name = pgettext_lazy("field label", "Co-working spaces")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.spaces import selectors, workspace

        hooks.navigation.register(selectors.navigation_entries, order=87)
        hooks.profile_sections.register(selectors.profile_section)
        hooks.workspace_panels.register(workspace.my_bookings_panel, audiences="signed_in", order=80)
