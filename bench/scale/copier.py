"""COPY rows of a Django model straight into PostgreSQL (psycopg 3), filling the columns a row does
not give from the model's own field defaults, so the generator keeps working when a column with a
default is added to a model."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

from django.db import connection, models

_MISSING = object()


class MissingValue(Exception):
    pass


class Copier:
    def __init__(self, now, *, log=print):
        self.now = now
        self.log = log
        self.counts: dict[str, int] = {}

    def _plan(self, model, keys: set[str]):
        """(columns, [(attname, fixed default or _MISSING, is_json)]) for the model's concrete fields."""
        plan = []
        for field in model._meta.concrete_fields:
            is_json = isinstance(field, models.JSONField)
            if field.attname in keys:
                plan.append((field.column, field.attname, _MISSING, is_json))
                continue
            if field.primary_key:
                continue  # the database's identity column numbers the row
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = self.now
            elif field.has_default() or field.null or field.empty_strings_allowed:
                default = field.get_default()
            else:
                raise MissingValue(
                    f"{model._meta.label}.{field.name}: the generator gives no value and the field has no default "
                    "(update bench/scale/generate.py for the new column)"
                )
            if default is None and not field.null:
                raise MissingValue(f"{model._meta.label}.{field.name} is NOT NULL and has no default")
            if is_json and default is not None:
                default = json.dumps(default, ensure_ascii=False)
            plan.append((field.column, field.attname, default, False))
        return plan

    def copy(self, model, rows: Iterable[dict]) -> int:
        """COPY `rows` (dicts keyed by attname, e.g. ``city_id``) into the model's table."""
        started = time.monotonic()
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        plan = self._plan(model, set(first))
        columns = ", ".join(connection.ops.quote_name(column) for column, *_ in plan)
        table = connection.ops.quote_name(model._meta.db_table)
        getters = [(attname, default, is_json) for _column, attname, default, is_json in plan]
        n = 0
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:  # noqa: S608
            for row in _chain(first, rows):
                values = []
                for attname, default, is_json in getters:
                    if default is _MISSING:
                        value = row[attname]
                        if is_json and value is not None:
                            value = json.dumps(value, ensure_ascii=False)
                    else:
                        value = default
                    values.append(value)
                cp.write_row(values)
                n += 1
        label = model._meta.db_table
        self.counts[label] = self.counts.get(label, 0) + n
        self.log(f"  {label:<48} {n:>9,} rows  {time.monotonic() - started:6.1f} s")
        return n


def _chain(first, rest):
    yield first
    yield from rest
