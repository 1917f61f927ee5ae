"""``manage.py consortia --roles ROLES.json --organizations ORGS.jsonl [--top 5] [--max-members 6]``

Proposes the best consortia for a mission from two files; no database needed. See
docs/consortia.md. Exit codes: 0 found, 1 none exists, 2 malformed input.
"""

from django.core.management.base import BaseCommand

from hamafza.consortia import cli


class Command(BaseCommand):
    help = "Propose the k best consortia that fill every role of a mission (files in, JSON out)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        code = cli.run(
            options["roles"],
            options["organizations"],
            options["top"],
            options["max_members"],
            options["output"],
            fitness=options["fitness"],
            candidates_per_role=options["candidates_per_role"],
            time_limit=options["time_limit"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
        if code:
            raise SystemExit(code)
