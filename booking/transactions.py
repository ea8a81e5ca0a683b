"""Write transactions: how services change the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from booking.extensions import db


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block in one transaction that commits at the end and rolls back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so it holds the write lock from its
    first read: a check such as "is this time still free?" cannot be overtaken by another
    writer before the insert. (PostgreSQL's guarantees come from its constraints.)
    """
    session = db.session()  # the request's own Session behind the scoped proxy
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("unsaved changes before write_transaction(); services own writes")
        # End the request's read-only transaction (e.g. loading the signed-in user), so the
        # write transaction starts afresh with the lock; loaded objects simply reload.
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
