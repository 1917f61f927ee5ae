"""The directory's order: a Persian collation key of the name, kept in an indexed column (ADR 0023)."""

from django.db import migrations, models

from hamafza.core.text import collation_key


def fill_sort_names(apps, schema_editor):
    """Existing organizations get their key in batches (100k rows: a few seconds, bounded memory)."""
    Organization = apps.get_model("directory", "Organization")
    batch = []
    for org in Organization.objects.only("pk", "name", "name_en").order_by("pk").iterator(chunk_size=2000):
        org.sort_name = collation_key(org.name or org.name_en)
        batch.append(org)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["sort_name"])
            batch = []
    if batch:
        Organization.objects.bulk_update(batch, ["sort_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("directory", "0002_directory_order_and_trigram_search"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="organization",
            name="organization_directory_order",
        ),
        migrations.AddField(
            model_name="organization",
            name="sort_name",
            field=models.CharField(blank=True, editable=False, max_length=121),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["-verified", "sort_name", "id"], name="organization_directory_order"),
        ),
    ]
