"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po → .mo) with Babel, a Python
library, so that a fresh machine needs no GNU gettext (`make setup` runs it; ADR 0022). Like
msgfmt, it leaves out fuzzy and untranslated entries and stops on a catalogue it cannot read."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def compile_catalogue(po_path: Path) -> tuple[Path, int]:
    """Write the .mo beside ``po_path``; returns its path and the number of messages written."""
    with po_path.open("rb") as po:
        try:
            catalog = read_po(po, abort_invalid=True)
        except Exception as exc:  # Babel raises PoFileError (and ValueError on bad plural forms)
            raise CommandError(f"{po_path}: {exc}") from exc
    mo_path = po_path.with_suffix(".mo")
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as mo:
        write_mo(mo, catalog, use_fuzzy=False)
    tmp.replace(mo_path)
    written = sum(1 for m in list(catalog)[1:] if m.string and not m.fuzzy)
    return mo_path, written


def catalogue_roots() -> list[Path]:
    """LOCALE_PATHS and the `locale/` folder of every project app (programs and insights keep their
    own catalogues); the apps of installed packages ship their compiled catalogues."""
    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(root) for root in settings.LOCALE_PATHS]
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.parts and (path / "locale").is_dir():
            roots.append(path / "locale")
    return roots


class Command(BaseCommand):
    help = "Compile the .po catalogues of LOCALE_PATHS and the project's apps into .mo files (Babel; no GNU gettext)."

    def handle(self, *args, **options):
        found = sorted({po for root in catalogue_roots() for po in root.glob("*/LC_MESSAGES/*.po")})
        if not found:
            raise CommandError("No .po catalogue under LOCALE_PATHS.")
        for po_path in found:
            mo_path, written = compile_catalogue(po_path)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{mo_path}: {written} messages")
