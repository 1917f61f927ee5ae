"""Query-plan assertions for the PostgreSQL run (issue 19): a list's query must use the index made
for its filter and order. The test tables are tiny, so sequential scans are switched off for the
EXPLAIN (the planner then shows which index it would use at scale). Skipped on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

requires_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")


def plan_of(queryset_or_sql, params=None, **settings: str) -> str:
    """The text of EXPLAIN for a queryset (or SQL and params) with enable_seqscan off and any other
    planner `settings` (e.g. ``enable_indexscan="off"`` to see which index a bitmap scan uses)."""
    settings = {"enable_seqscan": "off", **settings}
    if isinstance(queryset_or_sql, str):
        sql, params = queryset_or_sql, params or ()
    else:
        sql, params = queryset_or_sql.query.sql_with_params()
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET {name} = {value}")
        try:
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for name in settings:
                cursor.execute(f"RESET {name}")
