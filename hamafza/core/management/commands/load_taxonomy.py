from django.core.management.base import BaseCommand

from hamafza.core.services import taxonomy_load


class Command(BaseCommand):
    help = "Load or update the capability taxonomy from hamafza/core/data/taxonomy.json (idempotent)."

    def handle(self, *args, **options):
        domains, capabilities = taxonomy_load()
        self.stdout.write(f"taxonomy: {domains} domains, {capabilities} capabilities")
