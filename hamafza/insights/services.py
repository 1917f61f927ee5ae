"""Writes of the insights app: the personal calendar feed's address, the stored figures and the stored
open-data files."""

import gzip
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from hamafza.insights.models import CalendarFeed, FigureSnapshot, OpenDataFile


def _new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The user's private feed (created on first use). Guarantees one feed per user."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """A new address for the user's feed; the old one stops working at once."""
    feed = calendar_feed_get_or_create(user=user)
    feed.token = _new_token()
    feed._history_user = user
    feed.save(update_fields=["token"])
    return feed


def figure_snapshot_save(*, key: str, data: list) -> FigureSnapshot:
    """Store the figures of one dashboard selection (replacing the previous ones)."""
    snapshot, _created = FigureSnapshot.objects.update_or_create(
        key=key, defaults={"data": data, "computed_at": timezone.now()}
    )
    return snapshot


def open_data_file_save(*, key: str, fingerprint: str, content: bytes) -> OpenDataFile:
    """Store a built open-data file (gzip-compressed, with its entity tag), replacing the previous one."""
    stored, _created = OpenDataFile.objects.update_or_create(
        key=key,
        defaults={
            "fingerprint": fingerprint,
            "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
            "generated_at": timezone.now(),
            "size": len(content),
            "content": gzip.compress(content, compresslevel=6, mtime=0),
        },
    )
    return stored
