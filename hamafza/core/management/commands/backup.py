"""`hamafza backup --output FILE`: the database, the uploaded files and a manifest with checksums
in one archive (docs/operations.md, "Backup and restore")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from hamafza.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive: the database, the uploaded files and a manifest with checksums."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, type=Path, help="the archive to write (.tar, or .tar.gz to compress)"
        )

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            _(
                "Backup written to %(file)s: %(vendor)s database, %(tables)d tables, %(rows)d rows, %(files)d files, "
                "%(mb).1f MB"
            )
            % {
                "file": output,
                "vendor": manifest["database"]["vendor"],
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": files,
                "mb": output.stat().st_size / 1024 / 1024,
            }
        )
