"""`manage.py organization_words rebuild|check`: the organizations' words, the directory search's
word-level index (issue 19, ADR 0034).

`rebuild` recomputes every organization's words from its stored search text and drops the words
no organization has any more; run it after a restore, a bulk load or rows written straight into
the tables (``Organization.save()`` keeps them in step otherwise; the migration that created the
table filled it). `check` compares the table with the texts and exits 1 listing the first
disagreements.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from hamafza.directory import words


class Command(BaseCommand):
    help = "Rebuild (or check) the organizations' words that the directory search reads."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args, action, **options):
        started = time.monotonic()
        if action == "rebuild":
            done = words.rebuild(log=lambda line: self.stdout.write(f"  {line}"))
            self.stdout.write(
                f"organization words rebuilt: {done['organizations']} organizations, {done['rows']} rows, "
                f"{done['words']} distinct words in {time.monotonic() - started:.1f} s"
            )
            return
        problems = words.disagreements()
        if problems:
            for organization_id, what in problems:
                self.stderr.write(f"organization {organization_id}: {what}")
            raise CommandError("the organizations' words disagree with their texts; run `organization_words rebuild`")
        self.stdout.write(f"organization words in step with the texts ({time.monotonic() - started:.1f} s)")
