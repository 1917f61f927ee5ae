"""Private file storage for proposal attachments: under settings.PRIVATE_MEDIA_ROOT, which is
outside the static and media web roots. It has no URL: files are served only by the
permission-checked download view (proposals.views.attachment_download)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at PRIVATE_MEDIA_ROOT (read on each access, so test settings
    apply) and without a public URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no URL; use the permission-checked download view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
