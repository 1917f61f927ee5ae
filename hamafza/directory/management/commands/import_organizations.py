"""`hamafza import organizations FILE`: import organizations from a .jsonl, .csv or .xlsx file."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from hamafza.directory.importers import ImportFileError, ImportReport, count_rows, organization_import, parse_rows

EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = (
        "Import organizations from a .jsonl, .csv or .xlsx file (columns: id, name, kind, city, province, "
        "description, knowledge_based, employees, founded and optionally name_en, description_fa, description_en, "
        "website, certificate_number, certificate_valid_from, certificate_valid_until, capabilities, verified). "
        "A row with an id updates the organization with that slug. Bad rows are reported by line number and "
        "skipped; the good ones are imported. Exit code 0 when the file was read, 2 when it could not be."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .jsonl, .csv or .xlsx file")
        parser.add_argument("--no-progress", action="store_true", help="do not draw a progress bar on stderr")

    def handle(self, *args, file, no_progress=False, **options):
        try:
            rows = parse_rows(file)
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=EXIT_UNREADABLE) from exc

        report = ImportReport()
        # disable=None draws the bar only when stderr is a terminal.
        bar = tqdm(
            total=count_rows(file),
            unit=" rows",
            file=sys.stderr,
            disable=True if no_progress else None,
            dynamic_ncols=True,
        )
        try:
            organization_import(rows=rows, progress=bar, report=report)
        except BaseException:
            bar.close()
            # One transaction per row: everything reported as taken is stored, the rest is not.
            self._write_rejected(report)
            self.stderr.write(
                _(
                    "The import stopped at line %(line)s: %(taken)s rows before it are stored (%(created)s created, "
                    "%(updated)s updated, %(unchanged)s unchanged); line %(line)s and the lines after it were not "
                    "imported."
                )
                % {
                    "line": report.last_line,
                    "taken": len(report.taken),
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
            raise
        bar.close()
        self._write_rejected(report)
        self.stdout.write(
            _("organizations: %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
            }
        )

    def _write_rejected(self, report: ImportReport) -> None:
        for line_no, reason in report.rejected:
            self.stderr.write(_("line %(line)s: %(reason)s") % {"line": line_no, "reason": reason})
