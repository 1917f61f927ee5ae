"""The English directory's order: an English-first collation key, kept in an indexed column (ADR 0025)."""

from django.db import migrations, models

from hamafza.core.text import collation_key


def fill_sort_names_en(apps, schema_editor):
    """Existing organizations get their key in batches (100k rows: a few seconds, bounded memory)."""
    Organization = apps.get_model("directory", "Organization")
    batch = []
    for org in Organization.objects.only("pk", "name", "name_en").order_by("pk").iterator(chunk_size=2000):
        org.sort_name_en = collation_key(org.name_en or org.name, first="en")
        batch.append(org)
        if len(batch) >= 2000:
            Organization.objects.bulk_update(batch, ["sort_name_en"])
            batch = []
    if batch:
        Organization.objects.bulk_update(batch, ["sort_name_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_organization_sort_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="sort_name_en",
            field=models.CharField(blank=True, editable=False, max_length=121),
        ),
        migrations.RunPython(fill_sort_names_en, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["-verified", "sort_name_en", "id"], name="organization_order_en"),
        ),
    ]
