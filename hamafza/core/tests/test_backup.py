"""Backup and restore drill (runs on SQLite and, in `make test`'s second run, on PostgreSQL):
the demo data and uploaded files are backed up, the database and the files are wiped, the
archive is restored, and every table must have its row count again and every file its hash; the
matching index is rebuilt. A damaged or foreign archive is refused before anything changes."""

import io
import json
import shutil
import tarfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from hamafza.core.backup import file_hashes, table_counts
from hamafza.directory.models import Organization

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english():
    """The messages are matched in English (the commands speak the active language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def storage_dirs(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.MATCHING_INDEX_DIR = tmp_path / "index"
    return tmp_path


@pytest.fixture
def installation(storage_dirs):
    """The demo data plus uploaded files (proposal and need attachments, in nested directories)."""
    from hamafza.challenges.models import NeedAttachment
    from hamafza.challenges.tests.factories import NeedFactory
    from hamafza.proposals.tests.factories import AttachmentFactory, pdf_bytes

    call_command("demo", stdout=StringIO())
    for i in range(3):
        AttachmentFactory(file=ContentFile(pdf_bytes(f"plan {i}"), name=f"plan-{i}.pdf"))
    need = NeedFactory()
    NeedAttachment.objects.create(
        need=need,
        file=ContentFile("داده‌های پسماند ۱۴۰۴".encode(), name="data.csv"),
        original_name="data.csv",
        content_type="text/csv",
        size=10,
        uploaded_by=need.submitted_by,
    )
    return storage_dirs


def _wipe(settings):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    shutil.rmtree(settings.MATCHING_INDEX_DIR, ignore_errors=True)


def test_backup_wipe_restore_gives_back_every_row_and_file(installation, settings, capsys):
    counts = table_counts()
    hashes = file_hashes()
    assert counts["directory_organization"] >= 200 and counts["challenges_call"] > 0
    assert len(hashes) == 4
    archive = installation / "backup.tar.gz"

    out = StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "4 files" in out.getvalue()

    _wipe(settings)
    assert Organization.objects.count() == 0 and file_hashes() == {}

    out = StringIO()
    call_command("restore", str(archive), "--noinput", "--tables", stdout=out)
    restored = table_counts()
    assert restored == counts  # every table, row for row
    assert file_hashes() == hashes  # every file, byte for byte
    assert f"Matching index rebuilt: {counts['directory_organization']} organizations" in out.getvalue()
    assert (settings.MATCHING_INDEX_DIR).exists()
    with capsys.disabled():  # the drill's table, for the record (pytest -s shows it)
        print(f"\nrestore drill on {connection.vendor}: {len(restored)} tables, {sum(restored.values())} rows")
        for table, rows in sorted(restored.items()):
            if rows:
                print(f"  {table:<50} {counts[table]:>7} -> {rows:>7}")
        print(f"  files: {len(hashes)} with identical SHA-256")

    # The restored installation works: its pages read the restored rows through the restored index.
    org = Organization.objects.order_by("pk").first()
    from django.test import Client

    response = Client().get(f"/en/organizations/{org.slug}/")
    assert response.status_code == 200


def _rewrite(archive, target, change):
    """Copy a backup archive, letting change(name, data) -> data alter members."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            data = change(member.name, data)
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.fixture
def small_backup(storage_dirs):
    from hamafza.proposals.tests.factories import AttachmentFactory

    AttachmentFactory()
    archive = storage_dirs / "small.tar"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    return archive


def test_a_damaged_archive_is_refused_before_anything_changes(small_backup, storage_dirs):
    damaged = storage_dirs / "damaged.tar"
    _rewrite(small_backup, damaged, lambda name, data: data[:-1] + b"X" if name.startswith("files/") else data)
    before = table_counts()
    with pytest.raises(CommandError, match="Checksum mismatch"):
        call_command("restore", str(damaged), "--noinput", stdout=StringIO())
    assert table_counts() == before


def test_an_archive_from_another_database_vendor_is_refused(small_backup, storage_dirs):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"

    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"]["vendor"] = other
            return json.dumps(manifest).encode()
        return data

    foreign = storage_dirs / "foreign.tar"
    _rewrite(small_backup, foreign, change)
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(foreign), "--noinput", stdout=StringIO())


def test_a_member_outside_the_target_is_refused(small_backup, storage_dirs):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            member = next(n for n in manifest["members"] if n.startswith("files/"))
            manifest["members"]["../escape.txt"] = manifest["members"].pop(member)
            return json.dumps(manifest).encode()
        return data

    evil = storage_dirs / "evil.tar"
    with tarfile.open(small_backup) as src, tarfile.open(evil, "w") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            info = tarfile.TarInfo("../escape.txt" if member.name.startswith("files/") else member.name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="Refused member"):
        call_command("restore", str(evil), "--noinput", stdout=StringIO())
    assert not (storage_dirs.parent / "escape.txt").exists()


def test_restore_asks_for_confirmation_without_a_terminal(small_backup):
    with pytest.raises(CommandError, match="--noinput"):
        call_command("restore", str(small_backup), stdout=StringIO())


def test_not_a_backup(storage_dirs):
    junk = storage_dirs / "junk.tar"
    junk.write_bytes(b"not a tar archive")
    with pytest.raises(CommandError, match="not a Hamafza backup"):
        call_command("restore", str(junk), "--noinput", stdout=StringIO())
