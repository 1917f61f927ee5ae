"""`hamafza export organizations --format jsonl|csv|xlsx --output FILE`: export every organization."""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hamafza.directory.importers import FORMATS, organization_export


class Command(BaseCommand):
    help = (
        "Export every organization, with its capabilities, in the import format (an export imported again "
        "changes nothing). Without --output, jsonl and csv go to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default=None, help="jsonl, csv or xlsx (default: by --output)")
        parser.add_argument("--output", "-o", default="-", help="file to write, or - for standard output")

    def handle(self, *args, format=None, output="-", **options):
        fmt = format or (Path(output).suffix.lower().lstrip(".") if output != "-" else "jsonl")
        if fmt not in FORMATS:
            raise CommandError(
                _("Unknown format “%(fmt)s”: use --format jsonl, csv or xlsx.") % {"fmt": fmt}, returncode=2
            )
        if output == "-":
            if fmt == "xlsx":
                raise CommandError(_("An xlsx export needs --output FILE."), returncode=2)
            try:
                organization_export(fmt=fmt, output=getattr(self.stdout, "_out", sys.stdout))
            except BrokenPipeError:
                # The reader stopped early (`hamafza export organizations | head`): not an error.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        else:
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent}, returncode=2)
            tmp = path.with_name(path.name + ".part")
            try:
                if fmt == "xlsx":
                    with open(tmp, "wb") as fh:
                        n = organization_export(fmt=fmt, output=fh)
                else:
                    with open(tmp, "w", encoding="utf-8", newline="") as fh:
                        n = organization_export(fmt=fmt, output=fh)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
            self.stderr.write(_("%(count)s organizations written to %(path)s") % {"count": n, "path": path})
