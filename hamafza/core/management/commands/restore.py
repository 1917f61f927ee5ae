"""`hamafza restore FILE`: verify a backup archive against its manifest, then replace this
installation's database and write its uploaded files back (docs/operations.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"{archive} does not exist")
        if interactive:
            if not sys.stdin.isatty():
                raise CommandError("restore replaces the database: confirm on a terminal or pass --noinput")
            answer = input(f"Replace this installation's database and files with {archive}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        try:
            report = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if tables:
            for table, (expected, found) in sorted(report.tables.items()):
                self.stdout.write(f"{table:<55} {expected:>9} {found:>9}")
        rows = sum(found for _, found in report.tables.values())
        self.stdout.write(
            f"restored {archive} (made {report.manifest['created_at']}): {len(report.tables)} tables, {rows} rows, "
            f"every count as in the manifest; {report.files} files written"
        )
        if report.extra_files:
            self.stdout.write(f"{len(report.extra_files)} uploaded files not in the backup were left in place")
        if report.migrated:
            self.stdout.write("migrations newer than the backup were applied")
        for line in report.after:
            self.stdout.write(line)
        self.stdout.write("other application servers: run `hamafza index rebuild` on each")
