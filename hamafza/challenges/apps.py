from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "hamafza.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self):
        from hamafza.challenges import eligible_calls, notifications, selectors
        from hamafza.core import hooks

        hooks.navigation.register(selectors.calls_navigation, order=40)
        hooks.navigation.register(selectors.workflow_navigation, order=70)
        hooks.track_records.register(selectors.awarded_results_per_organization)
        hooks.organizations_changed.register(eligible_calls.organizations_changed)
        hooks.membership_changed_by_platform_admin.register(notifications.on_membership_changed_by_platform_admin)
