from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "hamafza.consortia"
    label = "consortia"
    verbose_name = _("Consortia")

    def ready(self):
        from hamafza.consortia.selectors import application_readers
        from hamafza.proposals.selectors import register_readers

        # A consortium is a first-class applicant: its members' admins read its application.
        register_readers(application_readers)
