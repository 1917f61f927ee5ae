"""Backup and restore of an installation: the database, the uploaded files and a manifest.

`hamafza backup --output FILE` writes one tar archive (gzip-compressed when FILE ends in .gz):

    manifest.json        what is inside: format, date, database vendor, applied migrations, the
                         row count of every table, and the size and SHA-256 of every other member
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup API, or
    database.pgdump      PostgreSQL: `pg_dump --format=custom` (one consistent snapshot)
    files/<root>/...     the uploaded files (PRIVATE_MEDIA_ROOT as files/private/, MEDIA_ROOT as
                         files/media/ when it is another directory)

The database is copied first and the files second: a file uploaded in between is then in the
archive without a row (harmless), never a row without its file.

`hamafza restore FILE` verifies every member against the manifest before it changes anything,
then replaces the database (SQLite's backup API into the live connection, or `pg_restore --clean`
in one transaction), writes the files back, checks that every table has the row count of the
manifest, applies migrations the backup predates, and sends `database_restored` so the apps
rebuild what derives from the database (the matching index).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024

# Sent after a restore, with `manifest` (the backup's manifest). Receivers rebuild what derives
# from the database and return a line saying so; hamafza.matching rebuilds this server's index.
database_restored = Signal()


class BackupError(Exception):
    """A backup could not be written or a restore refused (a bad archive, a checksum mismatch,
    another database vendor, a missing tool)."""


@dataclass
class RestoreReport:
    manifest: dict
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table -> (expected, found)
    files: int = 0
    extra_files: list[str] = field(default_factory=list)
    migrated: bool = False
    after: list[str] = field(default_factory=list)  # what the database_restored receivers did


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_roots() -> dict[str, Path]:
    """The directories of uploaded files, by their name in the archive."""
    roots = {"private": Path(settings.PRIVATE_MEDIA_ROOT)}
    media = Path(settings.MEDIA_ROOT)
    if media.resolve() != roots["private"].resolve():
        roots["media"] = media
    return roots


def table_counts() -> dict[str, int]:
    """The number of rows of every table of the database (not only Django's models)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes(roots: dict[str, Path] | None = None) -> dict[str, str]:
    """{"private/a/b.pdf": sha256} of every uploaded file."""
    hashes = {}
    for name, root in (roots or file_roots()).items():
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            hashes[f"{name}/{path.relative_to(root).as_posix()}"] = sha256_file(path)
    return hashes


def _applied_migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


def _pg_env_and_args() -> tuple[dict, list[str]]:
    params = connection.settings_dict
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is missing: install the PostgreSQL client (apt-get install postgresql-client).")
            % {"tool": name}
        )
    return path


def _run(cmd: list[str], env: dict) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (%(code)s): %(error)s")
            % {"tool": Path(cmd[0]).name, "code": proc.returncode, "error": proc.stderr.strip()[-2000:]}
        )


def _sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    db.close()
    return {t: c for t, c in counts.items() if not t.startswith("sqlite_")}


def _dump_database(directory: Path) -> tuple[str, dict[str, int]]:
    """Write the database into directory; returns the member name and the row count of every
    table, both of one consistent state (the copy itself for SQLite, the exported snapshot that
    pg_dump also reads for PostgreSQL)."""
    vendor = _vendor()
    if vendor == "sqlite":
        target = directory / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as dest:
            connection.connection.backup(dest)
        dest.close()
        return target.name, _sqlite_counts(target)
    if connection.in_atomic_block:
        raise BackupError(_("A PostgreSQL backup must run outside a transaction."))
    target = directory / "database.pgdump"
    env, args = _pg_env_and_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = table_counts()
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", *args,
              "--file", str(target), str(connection.settings_dict["NAME"])], env)  # fmt: skip
    return target.name, counts


def backup(output: Path) -> dict:
    """Write the archive to output (atomically: a temporary name, renamed when complete)."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hamafza-backup-") as tmp:
        tmp_dir = Path(tmp)
        migrations = _applied_migrations()
        database_member, counts = _dump_database(tmp_dir)
        members = {database_member: tmp_dir / database_member}
        roots = file_roots()
        for name, root in roots.items():
            if root.exists():
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    members[f"files/{name}/{path.relative_to(root).as_posix()}"] = path
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "member": database_member},
            "migrations": migrations,
            "tables": counts,
            "file_roots": sorted(roots),
            "members": {},
        }
        for arcname, path in members.items():
            manifest["members"][arcname] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
        partial = output.with_name(f".{output.name}.partial")
        mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
        try:
            with tarfile.open(partial, mode) as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(datetime.datetime.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                for arcname, path in members.items():
                    tar.add(path, arcname=arcname, recursive=False)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _extract_verified(archive: Path, directory: Path) -> dict:
    """Extract into directory and check every member against the manifest; returns the manifest."""
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed by the with block below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(_("%(file)s is not a Hamafza backup: %(error)s") % {"file": archive, "error": exc}) from exc
    with tar:
        try:
            manifest = json.loads(tar.extractfile(MANIFEST).read())
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError(_("%(file)s has no readable manifest.json.") % {"file": archive}) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(_("Unknown backup format %(format)r.") % {"format": manifest.get("format")})
        expected = manifest.get("members", {})
        names = {m.name for m in tar.getmembers() if m.isfile()} - {MANIFEST}
        if names != set(expected):
            missing, extra = sorted(set(expected) - names), sorted(names - set(expected))
            raise BackupError(
                _("The archive does not match its manifest (missing %(missing)s, extra %(extra)s).")
                % {"missing": missing[:5], "extra": extra[:5]}
            )
        # The "data" filter refuses absolute paths, "..", links out of the directory and devices.
        try:
            tar.extractall(directory, members=[m for m in tar.getmembers() if m.name in expected], filter="data")
        except tarfile.TarError as exc:
            raise BackupError(_("Refused member of %(file)s: %(error)s") % {"file": archive, "error": exc}) from exc
    for name, meta in expected.items():
        path = directory / name
        if path.stat().st_size != meta["size"] or sha256_file(path) != meta["sha256"]:
            raise BackupError(
                _("Checksum mismatch for %(member)s: the archive is damaged; nothing was restored.") % {"member": name}
            )
    return manifest


def _restore_database(directory: Path, manifest: dict) -> None:
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _("The backup holds a %(theirs)s database and this installation uses %(ours)s.")
            % {"theirs": manifest["database"]["vendor"], "ours": vendor}
        )
    source = directory / manifest["database"]["member"]
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as src:
            src.backup(connection.connection)
        src.close()
        return
    env, args = _pg_env_and_args()
    connection.close()  # pg_restore drops the tables: no open transaction of ours may hold a lock
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", *args, "--dbname", str(connection.settings_dict["NAME"]), str(source)], env)  # fmt: skip


def _restore_files(directory: Path, manifest: dict) -> tuple[int, list[str]]:
    roots = file_roots()
    written = 0
    for name in manifest["members"]:
        if not name.startswith("files/"):
            continue
        _, root_name, relative = name.split("/", 2)
        if root_name not in roots:
            raise BackupError(
                _("The backup has files for %(root)r, which this installation does not use.") % {"root": root_name}
            )
        target = roots[root_name] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(directory / name, partial)
        partial.replace(target)
        written += 1
    in_backup = {n.removeprefix("files/") for n in manifest["members"] if n.startswith("files/")}
    extra = sorted(set(file_hashes(roots)) - in_backup)
    return written, extra


def _migrate_if_needed() -> bool:
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True


def restore(archive: Path) -> RestoreReport:
    """Verify the archive, then replace the database and write the files back."""
    with tempfile.TemporaryDirectory(prefix="hamafza-restore-") as tmp:
        directory = Path(tmp)
        manifest = _extract_verified(Path(archive), directory)
        _restore_database(directory, manifest)
        report = RestoreReport(manifest=manifest)
        found = table_counts()
        for table, expected in manifest["tables"].items():
            report.tables[table] = (expected, found.get(table, -1))
        wrong = {t: c for t, c in report.tables.items() if c[0] != c[1]}
        if wrong:
            raise BackupError(
                _("After the restore these tables differ from the backup (expected, found): %(tables)s")
                % {"tables": wrong}
            )
        report.files, report.extra_files = _restore_files(directory, manifest)
    report.migrated = _migrate_if_needed()
    report.after = [str(answer) for _, answer in database_restored.send(sender=restore, manifest=manifest) if answer]
    return report
