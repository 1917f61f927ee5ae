"""The insights app's own table: each user's private calendar-feed token (the address of the feed of
the calls the user follows). Everything else the app shows is read from the other apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=pgettext_lazy("field label", "user"),
    )
    token = models.CharField(pgettext_lazy("field label", "token"), max_length=64, unique=True)
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = pgettext_lazy("model name", "calendar feed")
        verbose_name_plural = pgettext_lazy("model name", "calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class FigureSnapshot(models.Model):
    """The summary table of the dashboards: the figures of one dashboard selection (city or
    nation, period, domain, unit, language) as computed at `computed_at`. Pages, downloads and the
    API read it while it is fresh (settings.INSIGHTS_SNAPSHOT_MAX_AGE); the `insights.refresh_snapshots`
    task recomputes the ones in use before they go stale, so at national volume a dashboard reads
    one row instead of aggregating hundreds of thousands. Derived data: deleting every row is safe."""

    key = models.CharField(pgettext_lazy("field label", "selection"), max_length=200, unique=True)
    data = models.JSONField(pgettext_lazy("field label", "figures"))
    computed_at = models.DateTimeField(pgettext_lazy("field label", "computed at"), db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "figure snapshot")
        verbose_name_plural = pgettext_lazy("model name", "figure snapshots")

    def __str__(self) -> str:
        return self.key


class OpenDataFile(models.Model):
    """A pre-built open-data file of a city (its OCDS package, its calendar feed), gzip-compressed:
    what the public addresses serve instead of building thousands of releases or events on each
    request. `fingerprint` is the hash of a few cheap aggregates of what the file is built from
    (`insights.open_data`); when they differ, or the file is older than
    settings.INSIGHTS_OPEN_DATA_MAX_AGE, it is built again. Derived data: deleting rows is safe."""

    key = models.CharField(
        pgettext_lazy("field label", "file"), max_length=300, unique=True
    )  # kind|city|language|site address
    fingerprint = models.CharField(pgettext_lazy("field label", "fingerprint"), max_length=64)
    etag = models.CharField(pgettext_lazy("field label", "entity tag"), max_length=80)
    generated_at = models.DateTimeField(pgettext_lazy("field label", "generated at"))
    size = models.PositiveBigIntegerField(_("size (bytes, uncompressed)"))
    content = models.BinaryField(pgettext_lazy("field label", "content (gzip)"))

    class Meta:
        verbose_name = pgettext_lazy("model name", "open-data file")
        verbose_name_plural = pgettext_lazy("model name", "open-data files")

    def __str__(self) -> str:
        return self.key
