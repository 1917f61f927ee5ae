"""The organizations' words, the directory search's word-level index (issue 19, ADR 0034): the
vocabulary (with a trigram index on PostgreSQL), the (word, organization) rows filled from the
stored search texts, and an index of the capability links by capability that carries the
organization (the search's other branch, read from the index alone)."""

import django.db.models.deletion
from django.db import migrations, models

from hamafza.core.migration_operations import TrigramIndex


def fill_words(apps, schema_editor):
    """Existing organizations get their words (100,000 organizations: about a minute)."""
    from hamafza.directory import words

    words.rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_organization_sort_name_en"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=400, unique=True, verbose_name="word")),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
            },
        ),
        migrations.CreateModel(
            name="OrganizationWord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "word", "organization", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="directory.organization",
                        verbose_name="organization",
                    ),
                ),
                (
                    "word",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="directory.searchword",
                        verbose_name="word",
                    ),
                ),
            ],
            options={
                "verbose_name": "organization word",
                "verbose_name_plural": "organization words",
            },
        ),
        # PostgreSQL only: the words containing a stem, as an index lookup (nothing on SQLite).
        TrigramIndex(table="directory_searchword", column="word", name="searchword_trgm"),
        # Both databases: the capability branch of a search reads the links from this index alone.
        migrations.RunSQL(
            "CREATE INDEX organization_capability_by_capability "
            "ON directory_organization_capabilities (capability_id, organization_id)",
            "DROP INDEX organization_capability_by_capability",
        ),
        migrations.RunPython(fill_words, migrations.RunPython.noop, elidable=True),
    ]
