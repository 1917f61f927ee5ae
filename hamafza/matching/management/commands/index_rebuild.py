"""`hamafza index rebuild`: rebuild this server's matching index from the database."""

import sys
import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from hamafza.matching.services import index_holder


class Command(BaseCommand):
    help = (
        "Rebuild this server's matching index (settings.MATCHING_INDEX_DIR) from the organizations in "
        "the database, into a new generation that replaces the current one when it is complete. Run it "
        "on every application server after a restore or a taxonomy change; running processes switch "
        "over on their next match."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar on stderr")
        parser.add_argument(
            "--word-bridge",
            action="store_true",
            help=(
                "also pair the organizations' frequent words across Persian and English with the shipped "
                "embedding model (ADR 0031; about 30 words a second, up to 40,000 words at national volume); "
                "without it the current index's word bridge, if any, is kept"
            ),
        )

    def handle(self, *args, no_progress=False, word_bridge=False, **options):
        holder = index_holder()
        # disable=None draws the bar only when stderr is a terminal.
        bar = tqdm(unit=" organizations", file=sys.stderr, disable=True if no_progress else None, dynamic_ncols=True)

        def total(n):
            bar.total = n
            bar.refresh()

        started = time.monotonic()
        try:
            n = holder.rebuild(progress=bar.update, total=total, word_bridge=word_bridge)
        finally:
            bar.close()
        self.stdout.write(
            _("index rebuilt: %(count)s organizations in %(seconds).1f s (version %(version)s, %(path)s)")
            % {
                "count": n,
                "seconds": time.monotonic() - started,
                "version": holder.version,
                "path": holder.root / holder.generation,
            }
        )
        engine = holder.engine_if_available()
        bridge = engine.word_bridge if engine is not None else None
        if bridge is not None:
            paired = {"count": len(bridge.pairs)}
            self.stdout.write(_("word bridge: %(count)s words paired across the two languages") % paired)
