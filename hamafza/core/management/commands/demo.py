"""`hamafza demo`: load the demo data (cities, units, taxonomy, accounts, directory, ...).

How apps contribute (the contract)
----------------------------------
Each installed app ``hamafza.<app>`` may have a module ``hamafza/<app>/demo.py`` with a function

    def load(*, stdout) -> None

The command calls these in the order of ``settings.INSTALLED_APPS`` (``hamafza.core`` always
first: cities, units and the taxonomy; then ``hamafza.accounts``: the demo users; then
``hamafza.directory``: organizations, people, memberships; then the later apps), each inside its
own transaction, so a step may rely on everything the earlier steps created. A ``load`` must:

* be idempotent: find its objects by natural keys (slugs, codes, emails) and write only what
  differs, so that a second run changes nothing (and adds no history rows);
* write through the app's services where they exist (audit, validation);
* be deterministic (seeded randomness only), with every text written for the demo;
* report what it did in one or two lines on ``stdout`` (e.g. ``challenges: 12 challenges``).

A demo module may also have ``def report(*, stdout) -> None``, called after every step (loaded or
not) to print what the operator needs (the directory's prints the demo accounts and password).

Options: ``--if-empty`` loads only when there is no city yet (``make run`` uses it), otherwise it
says the demo data is already there. The demo accounts and their password are printed at the end.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from hamafza.core.models import City

FIRST = "hamafza.core"


def demo_loaders() -> list[tuple[str, object]]:
    """(app name, load function) for every installed hamafza app with a demo module, in order."""
    return _demo_functions("load")


def demo_reports() -> list[tuple[str, object]]:
    """(app name, report function) of the demo modules that print something after loading (the
    directory's: the demo accounts with their organizations and password)."""
    return _demo_functions("report")


def _demo_functions(attribute: str) -> list[tuple[str, object]]:
    names = [config.name for config in apps.get_app_configs() if config.name.startswith("hamafza.")]
    names.sort(key=lambda name: name != FIRST)  # stable: keeps INSTALLED_APPS order otherwise
    loaders = []
    for name in names:
        module_name = f"{name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        function = getattr(module, attribute, None)
        if callable(function):
            loaders.append((name, function))
    return loaders


class Command(BaseCommand):
    help = (
        "Load the demo data: cities and units, the taxonomy, one account per role (password hamafza-demo), "
        "about 200 organizations and whatever the other apps add. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="load only when the database has no city yet (used by make run)"
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and City.objects.exists():
            self.stdout.write(_("Demo data is already there (the database has cities): nothing loaded."))
        else:
            for _name, load in demo_loaders():
                with transaction.atomic():
                    load(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        for _name, report in demo_reports():
            report(stdout=self.stdout)
