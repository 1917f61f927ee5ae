"""``manage.py match``: rank organizations for challenges from JSONL files (no database needed)."""

from django.core.management.base import BaseCommand, CommandError

from hamafza.matching import cli


class Command(BaseCommand):
    help = (
        "Rank organizations for every challenge of a JSONL file with the matching engine and write "
        "one JSON line per challenge. Malformed lines are reported and skipped."
    )
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("--organizations", required=True, help="organizations.jsonl")
        parser.add_argument("--challenges", required=True, help="challenges.jsonl")
        parser.add_argument("--top", type=int, default=10, help="matches per challenge (default 10)")
        parser.add_argument("--output", default="-", help="output JSONL file (default: standard output)")
        parser.add_argument(
            "--no-embeddings", action="store_true", help="turn the multilingual embedding re-ranker off"
        )

    def handle(self, *args, **opts):
        use = False if opts["no_embeddings"] else None
        if use is None:
            try:
                from django.conf import settings

                use = getattr(settings, "MATCHING_USE_EMBEDDINGS", None)
            except Exception:  # settings not configured: let the CLI decide
                use = None
        code = cli.run(opts["organizations"], opts["challenges"], opts["top"], opts["output"], use_embeddings=use)
        if code:
            raise CommandError("match: nothing usable in the input (see the messages above)", returncode=code)
