"""Validation of uploaded attachments: the type is decided by the content (never by the name or
the browser's content type), the size is limited by settings.MAX_UPLOAD_MB, and the name is
sanitised for display and for the Content-Disposition header.

Accepted: PDF, DOCX, XLSX, PNG and JPEG. DOCX and XLSX are zip files: the archive must contain
``[Content_Types].xml`` declaring the main part of a Word document (``word/document.xml``) or an
Excel workbook (``xl/workbook.xml``); macro-enabled variants, encrypted or oversized archives
(zip bombs) are refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8192
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 512 * 1024 * 1024
MAX_NAME_LENGTH = 120

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "png": ".png", "jpeg": ".jpg"}
_OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
ALLOWED_LABEL = _("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG")


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    name: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def sanitize_filename(name: str | None, *, extension: str) -> str:
    """A display name safe for headers and HTML: no path, no control or bidi-override characters,
    only letters (any script), digits, spaces, dots, dashes and underscores, ending with the
    extension of the type detected from the content ("report.pdf.exe" holding a PDF becomes
    "report.pdf")."""
    name = unicodedata.normalize("NFKC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    # Drop control, format (bidi overrides, zero-width) and other invisible characters, except ZWNJ
    # which is part of Persian spelling.
    name = "".join(ch for ch in name if ch == "\u200c" or unicodedata.category(ch)[0] not in ("C",))
    stem = name
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\u200c .\-]+", "_", stem, flags=re.UNICODE)
    stem = re.sub(r"\s+", " ", stem)
    stem = re.sub(r"_+", "_", stem).strip(" ._-\u200c")
    for ext in EXTENSIONS.values():
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)].rstrip(" ._-")
    stem = stem[: MAX_NAME_LENGTH - len(extension)] or "attachment"
    return stem + extension


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _ooxml_kind(upload) -> str | None:
    """'docx' or 'xlsx' when the zip archive is a genuine Word document or Excel workbook."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                return None
            if any(i.flag_bits & 0x1 for i in infos):  # encrypted entries
                return None
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                return None
            content_types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    for kind, (part, main_type) in _OOXML_MAIN.items():
        if part in names and main_type in content_types:
            return kind
    return None


def detect_kind(upload) -> str | None:
    """The attachment kind from the file's content, or None when it is not an accepted type."""
    head = _read_head(upload)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime == "application/pdf" and head.startswith(b"%PDF-"):
        return "pdf"
    if mime == "image/png":
        return "png"
    if mime == "image/jpeg":
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        # filetype recognises DOCX/XLSX only from the first entries' names; the archive's own
        # [Content_Types].xml is authoritative.
        return _ooxml_kind(upload)
    return None


def check_upload(upload) -> CheckedFile:
    """Validate an uploaded file; raise ValidationError with a message for the user."""
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            _("This type of file is not accepted. Upload a %(allowed)s file.") % {"allowed": ALLOWED_LABEL},
            code="forbidden_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        name=sanitize_filename(getattr(upload, "name", ""), extension=EXTENSIONS[kind]),
        size=size,
        sha256=digest.hexdigest(),
    )
