from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ProposalsConfig(AppConfig):
    name = "hamafza.proposals"
    label = "proposals"
    verbose_name = pgettext_lazy("field label", "Proposals")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.proposals import selectors, workspace

        hooks.navigation_flags.register("has_panel", selectors.has_panel_flag)
        hooks.navigation.register(selectors.navigation_entries, order=80)
        hooks.workspace_context.register(workspace.workspace_context)
        hooks.workspace_panels.register(workspace.scoring_progress_panel, audiences="innovation_manager", order=40)
        hooks.workspace_panels.register(workspace.judge_queue_panel, audiences="judge", order=10)
        hooks.workspace_panels.register(workspace.own_proposals_panel, audiences="organization_member", order=20)
