"""The production settings: `check --deploy` is clean with the documented environment, the
refusals of single-machine shortcuts, the TLS proxy option, and every variable documented."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / "deploy" / "hamafza.env.example"


def documented_env(tmp_path) -> dict:
    """The environment of deploy/hamafza.env.example, with a real secret and a scratch var dir."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["HAMAFZA_VAR_DIR"] = str(tmp_path / "var")
    env["MATCHING_INDEX_DIR"] = str(tmp_path / "index")
    return env


def run_python(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter, the test's own code
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def check_deploy(env: dict) -> subprocess.CompletedProcess:
    """`hamafza check --deploy --fail-level WARNING` (manage.py is the same command) in env."""
    return subprocess.run(  # noqa: S603 - this interpreter and the project's manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SETUP = "import django; django.setup(); from django.conf import settings as s; "


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    env = documented_env(tmp_path)
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    proc = check_deploy(env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout


def test_check_deploy_warns_without_https_settings(tmp_path):
    """The check itself is not blind: switching HSTS and the redirect off brings W004 and W008 back."""
    env = documented_env(tmp_path) | {"SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "0"}
    proc = check_deploy(env)
    assert proc.returncode != 0
    assert "security.W004" in proc.stderr + proc.stdout and "security.W008" in proc.stderr + proc.stdout


def test_production_https_settings(tmp_path):
    proc = run_python(
        documented_env(tmp_path),
        SETUP + "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.CELERY_TASK_ALWAYS_EAGER)",
    )
    assert proc.returncode == 0, proc.stderr
    hsts, redirect, session_secure, csrf_secure, *proxy, eager = proc.stdout.split()
    assert (hsts, redirect, session_secure, csrf_secure, eager) == ("31536000", "True", "True", "True", "False")
    assert " ".join(proxy) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_proxy_header_is_opt_in(tmp_path):
    env = documented_env(tmp_path)
    del env["SECURE_PROXY_SSL_HEADER"]
    proc = run_python(env, SETUP + "print(s.SECURE_PROXY_SSL_HEADER)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "None"


@pytest.mark.parametrize(
    ("extra", "refused"),
    [
        ({"DATABASE_URL": "sqlite:////tmp/hamafza-prod-test.sqlite3"}, "refuse SQLite"),
        ({"CELERY_TASK_ALWAYS_EAGER": "true"}, "refuse in-process background tasks"),
    ],
)
def test_production_refuses_single_machine_shortcuts_unless_allowed(tmp_path, extra, refused):
    env = documented_env(tmp_path) | extra
    proc = run_python(env, SETUP + "print('ok')")
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr and refused in proc.stderr

    allow = "ALLOW_SQLITE_IN_PRODUCTION" if "DATABASE_URL" in extra else "ALLOW_EAGER_TASKS"
    proc = run_python(env | {allow: "1"}, SETUP + "print('ok')")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_production_needs_a_secret_key(tmp_path):
    env = documented_env(tmp_path)
    del env["SECRET_KEY"]
    proc = run_python(env, SETUP + "print('ok')")
    assert proc.returncode != 0 and "SECRET_KEY must be set" in proc.stderr


ENV_READ = re.compile(
    r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.get\(|os\.environ\[)\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def settings_variables() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(path.read_text()))
    return names


def test_every_variable_the_settings_read_is_in_the_readme_table():
    names = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "SECURE_HSTS_SECONDS", "ALLOW_SQLITE_IN_PRODUCTION"} <= names
    readme = (ROOT / "README.md").read_text()
    table_rows = [line for line in readme.splitlines() if line.startswith("| `")]
    documented = set()
    for row in table_rows:
        first_cell = row.split("|")[1]
        documented |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    missing = sorted(names - documented)
    assert missing == [], f"variables read by config/settings but missing from README's table: {missing}"


def test_every_variable_of_the_env_example_is_read_by_the_settings():
    names = settings_variables() | {"DJANGO_SETTINGS_MODULE"}
    example = {
        line.partition("=")[0].strip()
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert example - names == set()
