"""`hamafza`: the operator's command line. It wraps Django's management commands, e.g.

hamafza demo                      load the demo data (idempotent)
hamafza import organizations F    import organizations from .jsonl/.csv/.xlsx
hamafza export organizations ...  export organizations
hamafza match ...                 rank organizations for challenges (files in, file out)
hamafza migrate | createsuperuser | runserver | ...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "hamafza"
    # `hamafza import organizations F` / `hamafza export organizations ...` map to commands named
    # import_organizations / export_organizations; `hamafza index rebuild` to index_rebuild.
    if len(argv) >= 3 and argv[1] in {"import", "export", "index"}:
        argv = [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
