"""`hamafza`: the operator's command line. It wraps Django's management commands, e.g.

hamafza demo                      load the demo data (idempotent)
hamafza import organizations F    import organizations from .jsonl/.csv/.xlsx
hamafza export organizations ...  export organizations
hamafza match ...                 rank organizations for challenges (files in, file out)
hamafza migrate | createsuperuser | runserver | ...
"""

import importlib
import os
import sys

# Commands that read and write files only: run without starting Django (about 1 s saved).
# Each module offers ``main(argv) -> exit code``; the same command stays available through
# ``manage.py`` for those who prefer it.
FILE_COMMANDS = {"consortia": "hamafza.consortia.cli"}


def main() -> None:
    argv = list(sys.argv)
    argv[0] = "hamafza"
    if len(argv) >= 2 and argv[1] in FILE_COMMANDS:
        raise SystemExit(importlib.import_module(FILE_COMMANDS[argv[1]]).main(argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    # `hamafza import organizations F` / `hamafza export organizations ...` map to commands named
    # import_organizations / export_organizations; `hamafza index rebuild` to index_rebuild.
    if len(argv) >= 3 and argv[1] in {"import", "export", "index"}:
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
