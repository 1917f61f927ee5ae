"""`hamafza restore FILE`: verify a backup archive against its manifest, then replace this
installation's database and write its uploaded files back (docs/operations.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive written by `hamafza backup` (replaces the database)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )
        parser.add_argument("--tables", action="store_true", help="print the row count of every table")

    def handle(self, *args, archive: Path, interactive: bool, tables: bool, **options):
        if not archive.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": archive})
        if interactive:
            if not sys.stdin.isatty():
                raise CommandError(_("Restore replaces the database: confirm on a terminal or pass --noinput."))
            answer = input(
                _("Replace this installation's database and files with %(file)s? Type 'yes': ") % {"file": archive}
            )
            if answer.strip().lower() != "yes":
                raise CommandError(pgettext("text", "Restore cancelled."))
        try:
            report = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if tables:
            for table, (expected, found) in sorted(report.tables.items()):
                self.stdout.write(f"{table:<55} {expected:>9} {found:>9}")
        rows = sum(found for _, found in report.tables.values())
        self.stdout.write(
            _(
                "Restored %(file)s (made %(made)s): %(tables)d tables, %(rows)d rows, every count as in the manifest; "
                "%(files)d files written"
            )
            % {
                "file": archive,
                "made": report.manifest["created_at"],
                "tables": len(report.tables),
                "rows": rows,
                "files": report.files,
            }
        )
        if report.extra_files:
            self.stdout.write(
                _("%(n)d uploaded files not in the backup were left in place") % {"n": len(report.extra_files)}
            )
        if report.migrated:
            self.stdout.write(_("Migrations newer than the backup were applied."))
        for line in report.after:
            self.stdout.write(line)
        self.stdout.write(_("Other application servers: run `hamafza index rebuild` on each."))
