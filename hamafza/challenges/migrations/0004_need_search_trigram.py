from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from hamafza.core.migration_operations import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0003_eligible_calls"),
    ]

    operations = [
        # PostgreSQL only (nothing on SQLite): LIKE '%word%' on the needs' folded text as an index
        # lookup (similar needs on the triage page, the inbox search). Issue 19.
        TrigramExtension(),
        TrigramIndex(table="challenges_need", column="search_text", name="need_search_trgm"),
    ]
