"""The database side of the matching index: a version counter and a change log.

The database is the source of truth; every application server (and worker) keeps its own tantivy
index under ``MATCHING_INDEX_DIR`` as a derived cache. Each change to an organization that the
index must see bumps ``IndexState.version`` (one row, locked while it is bumped, so versions
commit in order) and writes one ``IndexChange`` row per organization with that version. A process
whose index is at version v applies the changes with ``version > v`` (or rebuilds when the log no
longer reaches back to v). See docs/decisions/0005-matching-engine.md, section 7.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _new_epoch() -> str:
    return uuid.uuid4().hex


class IndexState(models.Model):
    """A named version counter (one row per index; today only ``organizations``).

    Not audited with django-simple-history on purpose: it is a counter derived from audited
    changes (organizations have their own history), bumped on every organization save."""

    ORGANIZATIONS = "organizations"

    name = models.CharField(pgettext_lazy("field label", "name"), max_length=40, unique=True)
    version = models.PositiveBigIntegerField(pgettext_lazy("field label", "version"), default=0)
    # Which database the versions count in: an index built against another database (or a test's
    # rolled-back one) carries another epoch and is rebuilt rather than trusted.
    epoch = models.CharField(pgettext_lazy("field label", "epoch"), max_length=32, default=_new_epoch, editable=False)
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "index state")
        verbose_name_plural = pgettext_lazy("model name", "index states")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class IndexChange(models.Model):
    """One organization that changed at `version` (the log the servers catch up from).

    ``organization_id`` is a plain integer, not a foreign key: the row must outlive a deleted
    organization so that every server removes it from its index."""

    class Action(models.TextChoices):
        UPSERT = "upsert", _("Added or changed")
        REMOVE = "remove", pgettext_lazy("index change action", "Removed")

    version = models.PositiveBigIntegerField(pgettext_lazy("field label", "version"), db_index=True)
    organization_id = models.PositiveBigIntegerField(pgettext_lazy("field label", "organization id"))
    action = models.CharField(
        pgettext_lazy("field label", "action"), max_length=10, choices=Action.choices, default=Action.UPSERT
    )
    created_at = models.DateTimeField(pgettext_lazy("field label", "created at"), auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "index change")
        verbose_name_plural = pgettext_lazy("model name", "index changes")
        ordering = ["version", "pk"]

    def __str__(self) -> str:
        return f"v{self.version} {self.action} {self.organization_id}"


class OrganizationVector(models.Model):
    """An organization's embedding vector (multilingual e5, 384 float32), computed by the
    ``matching.embed_organizations`` task after a save and read by every server's index: no
    server embeds on its own and no query embeds an organization.

    ``text_key`` is a hash of the text that was embedded; a vector whose text has changed since is
    ignored until the task replaces it. Not audited with django-simple-history on purpose: it is
    derived from the organization's audited text, like ``IndexState``."""

    organization_id = models.PositiveBigIntegerField(pgettext_lazy("field label", "organization id"), unique=True)
    model = models.CharField(pgettext_lazy("field label", "model"), max_length=40)
    text_key = models.CharField(pgettext_lazy("field label", "text key"), max_length=40)
    vector = models.BinaryField(pgettext_lazy("field label", "vector"))
    updated_at = models.DateTimeField(pgettext_lazy("field label", "updated at"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "organization vector")
        verbose_name_plural = pgettext_lazy("model name", "organization vectors")

    def __str__(self) -> str:
        return f"vector of organization {self.organization_id}"
