"""Proposal attachments are checked uploads (`hamafza.core.uploads`, shared with need attachments)
of the proposal kinds: PDF, DOCX, XLSX, PNG and JPEG (ADR 0006, 0012)."""

from hamafza.core import uploads
from hamafza.core.uploads import CONTENT_TYPES, EXTENSIONS, CheckedFile, max_upload_bytes, sanitize_filename

__all__ = ["CONTENT_TYPES", "EXTENSIONS", "CheckedFile", "check_upload", "max_upload_bytes", "sanitize_filename"]


def check_upload(upload) -> CheckedFile:
    """Validate a proposal attachment; raise ValidationError with a message for the user."""
    return uploads.check_upload(upload, kinds=uploads.PROPOSAL_KINDS, allowed_label=uploads.ALLOWED_LABEL)
