"""`make run` as in production (issue 18, ADR 0022): DEBUG off unless asked for, the app's own error
pages in both languages, a favicon, catalogues compiled without GNU gettext, and the Makefile using
whichever Python 3.11+ the machine has."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import translation

from hamafza.core import views

ROOT = Path(__file__).resolve().parents[3]


def test_local_settings_have_debug_off_unless_asked():
    code = "import config.settings.local as s; print(s.DEBUG)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    assert (
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout.strip()
        == "False"
    )
    env["DJANGO_DEBUG"] = "1"
    assert (
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout.strip()
        == "True"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "title"), [("fa", "صفحه یافت نشد"), ("en", "Page not found")])
def test_own_404_page_in_each_language(client, language, title):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'lang="{language}"' in html and title in html
    assert "URLconf" not in html  # never Django's debug page


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("fa", "مشکلی پیش آمد"), ("en", "Something went wrong")])
def test_own_500_page_in_each_language(rf, language, text):
    request = rf.get(f"/{language}/")
    request.user = AnonymousUser()
    with translation.override(language):
        response = views.error_500(request)
    assert response.status_code == 500
    assert text in response.content.decode()


def test_500_page_survives_a_broken_template_context(rf, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "render", broken)
    response = views.error_500(rf.get("/fa/"))
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00" and b"PNG" in body[:40]
    assert (ROOT / "hamafza/core/static/hamafza/favicon.svg").read_text().startswith("<svg")


def test_catalogues_compile_without_gnu_gettext(settings, tmp_path):
    target = tmp_path / "fa" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = (ROOT / "locale/fa/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    po += '\n#, fuzzy\nmsgid "A fuzzy guess"\nmsgstr "حدس"\n'
    (target / "django.po").write_text(po, encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compile_translations", verbosity=0)
    with (target / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    # (looked up through names xgettext does not know, so `make messages` takes no msgid from here)
    lookup, lookup_in_context = catalogue.gettext, catalogue.pgettext
    assert lookup("Nothing is waiting for you.") == "چیزی در انتظار شما نیست."
    assert lookup_in_context("menu", "My workspace") == "میز کار من"
    assert lookup_in_context("percent", "%(n)s%%") == "%(n)s٪"
    assert lookup("A fuzzy guess") == "A fuzzy guess"  # fuzzy entries are left out, like msgfmt


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("names", "expected"), [(["python3.12"], "python3.12 -m venv"), (["python3"], "python3 -m venv")]
)
def test_makefile_uses_any_python_from_311(tmp_path, names, expected):
    for name in names:
        (tmp_path / name).symlink_to(sys.executable)
    old = tmp_path / "python3.11"  # a Python too old for Hamafza answers the version check with "no"
    old.write_text("#!/bin/sh\nexit 1\n")
    old.chmod(0o755)
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    out = subprocess.run(  # noqa: S603
        [shutil.which("make"), "-n", "-B", "-C", str(ROOT), ".venv/.installed"], env=env, capture_output=True, text=True
    ).stdout
    assert expected in out


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_makefile_says_when_no_python_fits(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    out = subprocess.run(  # noqa: S603
        [shutil.which("make"), "-n", "-B", "-C", str(ROOT), ".venv/.installed"], env=env, capture_output=True, text=True
    ).stdout
    assert 'test -n ""' in out and "Python 3.11 or newer" in out


def test_the_apps_own_catalogues_are_compiled_too():
    """programs and insights keep their own catalogues: a fresh clone must compile them as well."""
    from hamafza.core.management.commands.compile_translations import catalogue_roots

    roots = {root.resolve() for root in catalogue_roots()}
    for app in ("programs", "insights"):
        assert (ROOT / "hamafza" / app / "locale").resolve() in roots
