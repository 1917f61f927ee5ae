"""`hamafza local_share [--city SLUG] [--year Y [--quarter Q]] [--by year|domain|city]`: prints the local
share as the dashboards compute it (docs/insights.md gives the definition)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hamafza.core.models import City
from hamafza.insights import local_share, selectors
from hamafza.insights.periods import Period
from hamafza.insights.tables import LOCAL_SHARE_DEFINITION


class Command(BaseCommand):
    help = "Print the local share of a city (or of all cities): value of pilots and agreements, and its local parts."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="a city's slug (default: every city)")
        parser.add_argument("--year", type=int, help="a Jalali year, e.g. 1404")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        parser.add_argument("--by", choices=["year", "domain", "city"], help="one row per year, domain or city")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="fa")

    def handle(self, *args, language="fa", **options):
        with translation.override(language):
            self._print(**options)

    def _print(self, *, city=None, year=None, quarter=None, by=None, **options):
        target = None
        if city:
            target = City.objects.filter(slug=city).first()
            if target is None:
                raise CommandError(_("No city with the slug “%(slug)s”.") % {"slug": city}, returncode=2)
        if quarter and not year:
            raise CommandError(_("Choose a year for the quarter."), returncode=2)
        filters = selectors.Filters(city=target, period=Period(year, quarter) if year else None)
        years = selectors.jalali_years(city=target)
        rows = local_share.local_share(filters, by=by, years=years)
        self.stdout.write(str(LOCAL_SHARE_DEFINITION))
        self.stdout.write("")
        header = [
            "",
            "pilots",
            "agreements",
            "value (Rial)",
            "local",
            "knowledge-based",
            "both",
            "local %",
            "kb %",
            "both %",
        ]
        self.stdout.write("\t".join(header))
        for row in rows:
            name = row["name"] if by else (target.name if target else pgettext("text", "All"))
            cells = [name, row["pilots"], row["agreements"], row["total"], row["local"], row["kb"], row["both"]]
            cells += [_pct(row["local_pct"]), _pct(row["kb_pct"]), _pct(row["both_pct"])]
            self.stdout.write("\t".join(str(c) for c in cells))


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}"
