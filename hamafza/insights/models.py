"""The insights app's own table: each user's private calendar-feed token (the address of the feed of
the calls the user follows). Everything else the app shows is read from the other apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class FigureSnapshot(models.Model):
    """The summary table of the dashboards: the figures of one dashboard selection (city or
    nation, period, domain, unit, language) as computed at `computed_at`. Pages, downloads and the
    API read it while it is fresh (settings.INSIGHTS_SNAPSHOT_MAX_AGE); the `insights.refresh_snapshots`
    task recomputes the ones in use before they go stale, so at national volume a dashboard reads
    one row instead of aggregating hundreds of thousands. Derived data: deleting every row is safe."""

    key = models.CharField(_("selection"), max_length=200, unique=True)
    data = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), db_index=True)

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")

    def __str__(self) -> str:
        return self.key


class OpenDataFile(models.Model):
    """A pre-built open-data file of a city (its OCDS package, its calendar feed), gzip-compressed:
    what the public addresses serve instead of building thousands of releases or events on each
    request. `fingerprint` is the hash of a few cheap aggregates of what the file is built from
    (`insights.open_data`); when they differ, or the file is older than
    settings.INSIGHTS_OPEN_DATA_MAX_AGE, it is built again. Derived data: deleting rows is safe."""

    key = models.CharField(_("file"), max_length=300, unique=True)  # kind|city|language|site address
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    etag = models.CharField(_("entity tag"), max_length=80)
    generated_at = models.DateTimeField(_("generated at"))
    size = models.PositiveBigIntegerField(_("size (bytes, uncompressed)"))
    content = models.BinaryField(_("content (gzip)"))

    class Meta:
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")

    def __str__(self) -> str:
        return self.key
