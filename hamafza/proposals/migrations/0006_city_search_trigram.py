from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

from hamafza.core.migration_operations import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0005_city_list_index_carries_applicant"),
    ]

    operations = [
        # PostgreSQL only (nothing on SQLite; CreateExtension skips other databases): a manager's
        # search within their city reads that city's trigram matches from the index, not every
        # national match rechecked on the heap (ADR 0027, addendum).
        BtreeGinExtension(),
        TrigramIndex(
            table="proposals_proposal", column="search_text", name="proposal_city_search_trgm", leading=("city_id",)
        ),
    ]
