"""Migration operations that exist only on PostgreSQL (issue 19). SQLite, the development and test
database, keeps its plain scans: these operations do nothing there, so one migration history
serves both."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class TrigramIndex(Operation):
    """A GIN index with ``gin_trgm_ops`` on a text column, which lets PostgreSQL answer
    ``LIKE '%word%'`` (Django's ``__contains``) from the index instead of reading every row.
    Needs the ``pg_trgm`` extension (``django.contrib.postgres.operations.TrigramExtension``
    before it in the migration). Not part of the model state: no model declares it.

    ``leading`` columns (e.g. ``("city_id",)``) come first in the index, compared by equality
    (``btree_gin``, ``BtreeGinExtension`` before it): a search within one city is then answered by
    the index for that city's matches only. btree_gin has no cross-type operators, so the query
    must compare a ``bigint`` column with a ``bigint`` value (see ``proposals.selectors``)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *, table: str, column: str, name: str, leading: tuple[str, ...] = ()):
        self.table, self.column, self.name, self.leading = table, column, name, tuple(leading)

    def deconstruct(self):
        kwargs = {"table": self.table, "column": self.column, "name": self.name}
        if self.leading:
            kwargs["leading"] = self.leading
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            qn = schema_editor.quote_name
            columns = ", ".join([*(qn(c) for c in self.leading), f"{qn(self.column)} gin_trgm_ops"])
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {qn(self.name)} ON {qn(self.table)} USING gin ({columns})"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create the trigram index {self.name} on {self.table}.{self.column} (PostgreSQL only)"


class PostgresOnlyConstraint(Operation):
    """A model constraint that only PostgreSQL can hold (an ``ExclusionConstraint``), added on
    PostgreSQL and skipped on SQLite. Not part of the model state (SQLite rebuilds tables from the
    state on some schema changes and could not create it): the model's module keeps the constraint
    object and explains the SQLite side of the guarantee."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, *, model_name: str, constraint):
        self.model_name, self.constraint = model_name, constraint

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"model_name": self.model_name, "constraint": self.constraint})

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_constraint(to_state.apps.get_model(app_label, self.model_name), self.constraint)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_constraint(from_state.apps.get_model(app_label, self.model_name), self.constraint)

    def describe(self):
        return f"Create the constraint {self.constraint.name} on {self.model_name} (PostgreSQL only)"
