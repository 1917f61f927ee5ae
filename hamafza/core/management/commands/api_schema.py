"""Write the OpenAPI document of API v1 (sorted keys, indent 2), as committed in docs/api/openapi.json.

python manage.py api_schema --output docs/api/openapi.json
"""

import json
import sys

from django.core.management.base import BaseCommand

from hamafza.core.api.openapi import HamafzaAPI


def api_schema_text() -> str:
    """The live OpenAPI document (of the API the root URLconf mounts), serialised the way it is committed."""
    schema = HamafzaAPI.mounted().get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of the REST API v1 (to stdout, or to --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, **options):
        text = api_schema_text()
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"Wrote {options['output']}")
        else:
            sys.stdout.write(text)
