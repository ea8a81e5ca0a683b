"""A comparable picture of a database schema, from the database itself."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Connection


def _squash(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def schema_snapshot(connection: Connection) -> dict[str, Any]:
    """Tables with columns, keys, indexes and checks, plus triggers and exclusion constraints."""
    inspector = inspect(connection)
    snapshot: dict[str, Any] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        snapshot[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "unique": sorted(
                (u["name"], tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (
                    i["name"],
                    tuple(i["column_names"]),
                    bool(i["unique"]),
                    repr(sorted(i.get("dialect_options", {}).items())),  # e.g. a partial WHERE
                )
                for i in inspector.get_indexes(table)
            ),
            "checks": sorted(
                (c["name"], _squash(c["sqltext"])) for c in inspector.get_check_constraints(table)
            ),
        }
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
        snapshot["triggers"] = [(name, table, _squash(sql)) for name, table, sql in rows]
    else:
        rows = connection.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'x' ORDER BY conname"
        )
        snapshot["exclusion constraints"] = [tuple(row) for row in rows]
        rows = connection.exec_driver_sql(
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) "
            "FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
        )
        snapshot["triggers"] = [tuple(row) for row in rows]
    return snapshot
