"""`hamafza index embed`: compute the organizations' embedding vectors in bulk."""

import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from tqdm import tqdm

from hamafza.directory.models import Organization
from hamafza.matching import services, tasks
from hamafza.matching.models import OrganizationVector


class Command(BaseCommand):
    help = (
        "Compute the embedding vectors of the organizations that have none (or whose text changed) and "
        "store them in the database. With a Celery broker the work is queued in chunks and spread over "
        "the workers (watch it with --status); with eager tasks (the default) or --here it runs in this "
        "process with a progress bar. The matching index serves lexical-plus-capability results until "
        "every organization has its vector."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=200, help="organizations per queued task (default 200)")
        parser.add_argument("--here", action="store_true", help="embed in this process even with a broker")
        parser.add_argument("--status", action="store_true", help="only print how many vectors are stored")
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar on stderr")

    def _status(self) -> None:
        total = Organization.objects.count()
        stored = OrganizationVector.objects.count()
        self.stdout.write(
            _("vectors stored: %(stored)s of %(total)s organizations") % {"stored": stored, "total": total}
        )

    def handle(self, *args, chunk=200, here=False, status=False, no_progress=False, **options):
        if status:
            self._status()
            return
        ids = services.organizations_without_vectors()
        eager = bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True))
        if not (here or eager):
            for i in range(0, len(ids), chunk):
                tasks.embed_organizations.delay(ids[i : i + chunk])
            self.stdout.write(
                _("queued %(count)s organizations in %(tasks)s tasks; follow with `hamafza index embed --status`")
                % {"count": len(ids), "tasks": (len(ids) + chunk - 1) // chunk}
            )
            return
        bar = tqdm(total=len(ids), unit=" organizations", file=sys.stderr, disable=True if no_progress else None)
        started = time.monotonic()
        try:
            done = services.organization_vectors_compute(organization_ids=ids, progress=bar.update)
        finally:
            bar.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            _("embedded %(count)s organizations in %(seconds).1f s") % {"count": done, "seconds": seconds}
        )
        self._status()
