"""`manage.py eligible_calls rebuild|check`: the precomputed eligibility of open calls (issue 19).

`rebuild` recomputes the table from the one rule (``challenges.eligibility.call_eligibility_for``)
for every published call that has not closed; run it after a restore, a bulk load or rows written
straight into the tables (the services keep it in step otherwise). `check` compares the table with
the rule and exits 1 listing the first disagreements.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from hamafza.challenges import eligible_calls


class Command(BaseCommand):
    help = "Rebuild (or check) the precomputed eligibility of open calls per organization."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args, action, **options):
        started = time.monotonic()
        if action == "rebuild":
            done = eligible_calls.rebuild()
            self.stdout.write(
                f"eligible calls rebuilt: {done['calls']} published calls not closed, {done['rows']} rows "
                f"in {time.monotonic() - started:.1f} s"
            )
            return
        problems = eligible_calls.disagreements()
        if problems:
            for call_id, org_id, what in problems:
                self.stderr.write(f"call {call_id}, organization {org_id if org_id else 'every'}: {what}")
            raise CommandError("the eligible-calls table disagrees with the rule; run `eligible_calls rebuild`")
        self.stdout.write(f"eligible calls in step with the rule ({time.monotonic() - started:.1f} s)")
