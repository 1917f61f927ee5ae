from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class MatchingConfig(AppConfig):
    name = "hamafza.matching"
    label = "matching"
    verbose_name = pgettext_lazy("field label", "Matching")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.matching import selectors, services, tasks, workspace

        hooks.organizations_changed.register(tasks.organizations_changed)
        hooks.organization_search_ranking.register(selectors.organization_ranking_for_query)
        hooks.query_capabilities.register(services.query_capabilities)
        hooks.database_restored.register(services.index_rebuild_after_restore)
        hooks.workspace_panels.register(workspace.calls_for_you_panel, audiences="organization_member", order=10)
