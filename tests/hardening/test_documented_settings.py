"""Finding 8 of issue 17 (its documentation part; HSTS and the SSL redirect are the production
settings' work): the docs named `DJANGO_SECRET_KEY` where the settings read `SECRET_KEY`. The
README's configuration table and the environment variables the settings read must be the same
names, and no document may tell an operator to set a `DJANGO_*` variable that nothing reads."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)|environ\.get|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']|environ\[["']([A-Z][A-Z0-9_]+)["']\]"""
)
#: Variables Django or the tools read themselves, not our settings.
EXTERNAL = {"DJANGO_SETTINGS_MODULE"}


def read_by(paths) -> set[str]:
    names = set()
    for path in paths:
        for match in _READ.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names


def settings_variables() -> set[str]:
    return read_by(sorted((ROOT / "config").rglob("*.py")))


def readme_table(text: str) -> set[str]:
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def unread_django_names(text: str, read: set[str]) -> set[str]:
    """`DJANGO_*` names a document asks to set (in a table, a `NAME=value` or as `NAME`) that
    nothing reads."""
    return {name for name in re.findall(r"\b(DJANGO_[A-Z0-9_]+)\b", text) if name not in read | EXTERNAL}


def documents() -> list[pathlib.Path]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    deploy = ROOT / "deploy"
    if deploy.exists():
        found += sorted(p for p in deploy.rglob("*") if p.is_file() and p.suffix in ("", ".md", ".env", ".example"))
    return found


def test_the_readme_table_names_exactly_the_variables_the_settings_read():
    table = readme_table((ROOT / "README.md").read_text(encoding="utf-8"))
    read = settings_variables()
    assert read - table == set(), "read by config/settings but not in the README's Configuration table"
    anywhere = read | read_by(sorted((ROOT / "hamafza").rglob("*.py")))
    assert table - anywhere == set(), "in the README's Configuration table but read by nothing"
    assert "SECRET_KEY" in table and "DJANGO_SECRET_KEY" not in table


def test_no_document_names_a_django_variable_that_nothing_reads():
    read = settings_variables() | read_by(sorted((ROOT / "hamafza").rglob("*.py")))
    for path in documents():
        assert unread_django_names(path.read_text(encoding="utf-8", errors="replace"), read) == set(), path


def test_the_check_catches_the_reported_mismatch():
    """The guard itself: the sentence the penetration test found would fail it."""
    text = "Set `DJANGO_SECRET_KEY` to a long random value in production."
    assert unread_django_names(text, settings_variables()) == {"DJANGO_SECRET_KEY"}
