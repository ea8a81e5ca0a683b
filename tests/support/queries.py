"""Counting the SQL a page or a service call sends, for the "same few queries however many
rows" tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from booking.extensions import db


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends inside the block, in order."""
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def count_queries(app, client, path: str) -> int:
    """How many SQL statements the client's GET of `path` sent (the page must answer 200)."""
    with recorded_statements(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)
