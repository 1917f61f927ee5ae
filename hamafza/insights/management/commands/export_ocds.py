"""`hamafza export ocds --city SLUG [--output FILE] [--language fa|en]`: a city's OCDS 1.1 release
package (the same as /<lang>/c/<city>/open-data/ocds.json)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from hamafza.core.models import City
from hamafza.insights import ocds


class Command(BaseCommand):
    help = (
        "Write a city's calls and awards (and its pilots' contracts) as an Open Contracting Data Standard 1.1 "
        "release package. Without --output it goes to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's slug, e.g. qom")
        parser.add_argument("--output", "-o", default="-", help="file to write, or - for standard output")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="fa")

    def handle(self, *args, city, output="-", language="fa", **options):
        target = City.objects.filter(slug=city).first()
        if target is None:
            raise CommandError(_("No city with the slug “%(slug)s”.") % {"slug": city}, returncode=2)
        with translation.override(language):
            data = ocds.package_for(city=target, uri=ocds.package_uri(target))
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": path.parent}, returncode=2)
        tmp = path.with_name(path.name + ".part")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        self.stderr.write(_("%(count)s releases written to %(path)s") % {"count": len(data["releases"]), "path": path})
