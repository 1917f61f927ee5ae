from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "hamafza.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self):
        from django.utils.translation import gettext

        from hamafza.core import hooks
        from hamafza.core.backup import database_restored
        from hamafza.matching import selectors, services, tasks

        hooks.organizations_changed.register(tasks.organizations_changed)
        hooks.organization_search_ranking.register(selectors.organization_ranking_for_query)
        hooks.query_capabilities.register(services.query_capabilities)

        def rebuild_index(sender, **kwargs):
            # The restored database's change log no longer matches this server's index.
            holder = services.index_holder()
            count = holder.rebuild()
            return gettext("Matching index rebuilt: %(count)d organizations (%(path)s)") % {
                "count": count,
                "path": holder.root,
            }

        database_restored.connect(rebuild_index, dispatch_uid="matching-rebuild-after-restore", weak=False)
