from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ChallengesConfig(AppConfig):
    name = "hamafza.challenges"
    label = "challenges"
    verbose_name = pgettext_lazy("field label", "Challenges")

    def ready(self):
        from hamafza.challenges import eligible_calls, notifications, selectors, workspace
        from hamafza.core import hooks

        hooks.navigation.register(selectors.calls_navigation, order=40)
        hooks.navigation.register(selectors.workflow_navigation, order=70)
        hooks.track_records.register(selectors.awarded_results_per_organization)
        hooks.organizations_changed.register(eligible_calls.organizations_changed)
        hooks.membership_changed_by_platform_admin.register(notifications.on_membership_changed_by_platform_admin)

        panels = hooks.workspace_panels
        panels.register(workspace.triage_panel, audiences="innovation_manager", order=10)
        panels.register(workspace.definition_panel, audiences="innovation_manager", order=20)
        panels.register(workspace.closing_soon_panel, audiences="innovation_manager", order=30)
        panels.register(workspace.unit_needs_panel, audiences="unit_staff", order=10)
        panels.register(workspace.unit_calls_panel, audiences="unit_staff", order=20)
        panels.register(workspace.facilitator_panel, audiences="facilitator", order=10)
        panels.register(workspace.reports_panel, audiences="citizen", order=10)
        panels.register(workspace.followed_panel, audiences={"citizen", "organization_member"}, order=60)
        panels.register(workspace.open_challenges_panel, audiences="visitor", order=10)
        panels.register(workspace.results_panel, audiences="visitor", order=20)
        hooks.city_page_sections.register(workspace.city_sections)
