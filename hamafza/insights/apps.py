from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class InsightsConfig(AppConfig):
    name = "hamafza.insights"
    label = "insights"
    verbose_name = pgettext_lazy("field label", "Insights")

    def ready(self):
        from hamafza.core import hooks
        from hamafza.insights import navigation

        hooks.navigation.register(navigation.entries, order=75)
