from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "hamafza.challenges"
    label = "challenges"
    verbose_name = _("Challenges")

    def ready(self):
        from hamafza.challenges.notifications import on_membership_changed_by_platform_admin
        from hamafza.directory.signals import membership_changed_by_platform_admin

        membership_changed_by_platform_admin.connect(
            on_membership_changed_by_platform_admin, dispatch_uid="challenges.membership_changed_by_platform_admin"
        )
