"""A real OpenLDAP server (Debian's slapd) for the LDAP sign-in tests: a temporary directory, a
free port on 127.0.0.1, the standard schemas, an mdb database under dc=city,dc=test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
SUFFIX = "dc=city,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_reason() -> str | None:
    """Why the LDAP tests cannot run here, or None."""
    if not Path(SLAPD).exists():
        return "slapd is not installed (apt-get install slapd ldap-utils; .ci/run installs it)"
    try:
        import django_auth_ldap  # noqa: F401
        import ldap  # noqa: F401
    except ImportError:
        return "python-ldap is not installed (apt-get install libldap2-dev libsasl2-dev, then make setup)"
    return None


class Slapd:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="hamafza-slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Slapd:
        (self.dir / "db").mkdir()
        includes = "\n".join(
            f"include {SCHEMA_DIR / name}.schema" for name in ("core", "cosine", "inetorgperson", "nis")
        )
        (self.dir / "slapd.conf").write_text(
            f"""{includes}
modulepath {MODULE_DIR}
moduleload back_mdb
pidfile {self.dir / "slapd.pid"}
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {self.dir / "db"}
"""
        )
        self.process = subprocess.Popen(  # noqa: S603
            [SLAPD, "-f", str(self.dir / "slapd.conf"), "-h", self.uri, "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("slapd did not start in 15 s")

    def connect(self):
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def add(self, dn: str, attrs: dict[str, list[str]]) -> None:
        import ldap.modlist

        conn = self.connect()
        conn.add_s(dn, ldap.modlist.addModlist({k: [v.encode() for v in vs] for k, vs in attrs.items()}))
        conn.unbind_s()

    def set_members(self, group_dn: str, members: list[str]) -> None:
        import ldap

        conn = self.connect()
        conn.modify_s(group_dn, [(ldap.MOD_REPLACE, "member", [m.encode() for m in members])])
        conn.unbind_s()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
