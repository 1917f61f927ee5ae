from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ConsortiaConfig(AppConfig):
    name = "hamafza.consortia"
    label = "consortia"
    verbose_name = pgettext_lazy("field label", "Consortia")

    def ready(self):
        from hamafza.consortia import selectors, workspace
        from hamafza.core import hooks

        hooks.navigation.register(selectors.missions_navigation, order=50)
        hooks.navigation.register(selectors.my_consortia_navigation, order=90)
        # A consortium is a first-class applicant: its members' admins read its application.
        hooks.proposal_readers.register(selectors.application_readers)
        hooks.workspace_panels.register(workspace.invitations_panel, audiences="organization_member", order=30)
