"""Checked uploads, for every file the platform stores (proposal and need attachments): the type is
decided by the content (never by the name or the browser's content type), the size is limited by
settings.MAX_UPLOAD_MB, and the name is sanitised for display and for the Content-Disposition
header, ending with the extension of the detected type.

Office documents (DOCX, XLSX, PPTX) are zip archives. The archive must contain
``[Content_Types].xml`` declaring the main part of its kind; macro-enabled variants, encrypted
entries, entries with an unsafe path (``../``, absolute, a drive letter or a backslash), entries
that are programs (``.exe``, ``.dll``, ``.js``, …), archives of more than MAX_ZIP_ENTRIES entries
and archives that inflate to more than MAX_ZIP_UNCOMPRESSED bytes or by more than MAX_ZIP_RATIO
(zip bombs) are refused. The inflated size is measured by inflating every entry (and stops at
the limit), not taken from the archive's own headers. See docs/decisions/0012.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8192
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024
#: Inflated ÷ stored bytes, for the archive and for each entry over MAX_ZIP_RATIO_FLOOR bytes.
MAX_ZIP_RATIO = 200
MAX_ZIP_RATIO_FLOOR = 1024 * 1024
MAX_NAME_LENGTH = 120

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "txt": "text/plain",
    "csv": "text/csv",
}
EXTENSIONS = {
    "pdf": ".pdf",
    "docx": ".docx",
    "xlsx": ".xlsx",
    "pptx": ".pptx",
    "png": ".png",
    "jpeg": ".jpg",
    "webp": ".webp",
    "gif": ".gif",
    "txt": ".txt",
    "csv": ".csv",
}
_OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
#: Entries no office document carries: programs and scripts.
EXECUTABLE_SUFFIXES = frozenset(
    {
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".jar",
        ".sh",
        ".bash",
        ".elf",
        ".so",
        ".dylib",
        ".app",
        ".lnk",
        ".reg",
        ".apk",
    }
)
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")

#: What each use accepts: proposals (ADR 0006) and needs (with presentations, images and text).
PROPOSAL_KINDS = ("pdf", "docx", "xlsx", "png", "jpeg")
NEED_KINDS = ("pdf", "docx", "xlsx", "pptx", "png", "jpeg", "webp", "gif", "txt", "csv")
ALLOWED_LABEL = _("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG")
NEED_ALLOWED_LABEL = _("PDF, Word, Excel, PowerPoint, an image (PNG, JPEG, WebP, GIF) or text (TXT, CSV)")


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


def _unsafe_entry(name: str) -> bool:
    """A path that would leave the folder it is extracted into, or is not a plain relative path."""
    if not name or "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return True
    return ".." in PurePosixPath(name).parts


def _is_program(name: str, head: bytes) -> bool:
    return PurePosixPath(name.lower()).suffix in EXECUTABLE_SUFFIXES or head.startswith(_EXECUTABLE_MAGIC)


def _refuse(message, code: str):
    raise ValidationError(message, code=code)


def _inspect_archive(upload) -> str | None:
    """'docx', 'xlsx' or 'pptx' for a genuine, safe office document; None when the zip is not an
    office document at all; a ValidationError with the reason when it is unsafe."""
    upload.seek(0)
    stored = getattr(upload, "size", None) or 1
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                _refuse(_("The document has too many parts (more than %(n)s).") % {"n": MAX_ZIP_ENTRIES}, "zip_entries")
            if any(i.flag_bits & 0x1 for i in infos):
                _refuse(_("Encrypted documents are not accepted."), "encrypted")
            for info in infos:
                if _unsafe_entry(info.filename):
                    _refuse(_("The document contains a part with an unsafe path."), "zip_path")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                return None
            inflated = 0
            content_types = b""
            for info in infos:
                entry_size = 0
                with archive.open(info) as entry:
                    head = entry.read(4)
                    entry_size += len(head)
                    if _is_program(info.filename, head):
                        _refuse(_("The document contains a program, which is not accepted."), "zip_program")
                    if info.filename == "[Content_Types].xml":
                        content_types = head
                    while chunk := entry.read(65536):
                        entry_size += len(chunk)
                        if info.filename == "[Content_Types].xml" and len(content_types) < 1024 * 1024:
                            content_types += chunk
                        if inflated + entry_size > MAX_ZIP_UNCOMPRESSED:
                            _refuse(_inflated_message(), "zip_bomb")
                inflated += entry_size
                if entry_size > MAX_ZIP_RATIO_FLOOR and entry_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                    _refuse(_inflated_message(), "zip_bomb")
            if inflated > MAX_ZIP_RATIO_FLOOR and inflated > MAX_ZIP_RATIO * stored:
                _refuse(_inflated_message(), "zip_bomb")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, KeyError, RuntimeError, EOFError):
        return None
    finally:
        upload.seek(0)
    text = content_types.decode("utf-8", "replace")
    if "macroEnabled" in text or "vbaProject" in text:
        _refuse(_("Documents with macros are not accepted."), "macro")
    for kind, (part, main_type) in _OOXML_MAIN.items():
        if part in names and main_type in text:
            return kind
    return None


def _inflated_message():
    return _("The document inflates to more than %(limit)s, or by more than %(ratio)s times: it is refused.") % {
        "limit": filesizeformat(MAX_ZIP_UNCOMPRESSED),
        "ratio": MAX_ZIP_RATIO,
    }


def _text_kind(upload, head: bytes) -> str | None:
    """'txt' or 'csv' for UTF-8 text without NUL bytes named .txt or .csv."""
    suffix = PurePosixPath(str(getattr(upload, "name", "") or "").lower()).suffix
    if suffix not in (".txt", ".csv") or b"\x00" in head:
        return None
    for cut in (0, 1, 2, 3):  # a multi-byte character may be cut at the end of the sample
        try:
            (head[:-cut] if cut else head).decode("utf-8")
            return suffix[1:]
        except UnicodeDecodeError:
            continue
    return None


def detect_kind(upload) -> str | None:
    """The kind from the file's content, or None when it is no kind we know. An unsafe office
    document raises ValidationError with the reason."""
    head = _read_head(upload)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime == "application/pdf" and head.startswith(b"%PDF-"):
        return "pdf"
    if mime in ("image/png", "image/jpeg", "image/webp", "image/gif"):
        return {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp", "image/gif": "gif"}[mime]
    if head.startswith(b"PK\x03\x04"):
        # filetype recognises office documents only from the first entries' names; the archive's
        # own [Content_Types].xml is authoritative.
        return _inspect_archive(upload)
    if guess is None:
        return _text_kind(upload, head)
    return None


def check_upload(upload, *, kinds=PROPOSAL_KINDS, allowed_label=ALLOWED_LABEL) -> CheckedFile:
    """Validate an uploaded file of one of `kinds`; raise ValidationError with a message for the user."""
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
    if kind not in kinds:
        raise ValidationError(
            _("This type of file is not accepted. Upload a %(allowed)s file.") % {"allowed": allowed_label},
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
