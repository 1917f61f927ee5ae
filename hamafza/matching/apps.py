from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "hamafza.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from django.utils.translation import gettext

        from hamafza.core.backup import database_restored

        def rebuild_index(sender, **kwargs):
            # The restored database's change log no longer matches this server's index.
            from .services import index_holder

            holder = index_holder()
            count = holder.rebuild()
            return gettext("Matching index rebuilt: %(count)d organizations (%(path)s)") % {
                "count": count,
                "path": holder.root,
            }

        database_restored.connect(rebuild_index, dispatch_uid="matching-rebuild-after-restore", weak=False)
