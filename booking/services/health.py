"""Is the app able to do its work?"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from booking.extensions import db

# Less free room than this where an SQLite database lives, and a booking may fail to save.
LEAST_FREE_BYTES = 1024 * 1024
CANNOT_WRITE = "the database cannot write"


def database_problem() -> str | None:
    """None when a real round trip to the database works and (for SQLite) it can still grow;
    otherwise the reason, in one line."""
    try:
        # A separate connection with a deferred start: a probe never takes the SQLite write
        # lock, and never disturbs the request's own session.
        with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
            connection.execute(text("SELECT 1")).scalar_one()
            if connection.dialect.name == "sqlite":
                return _sqlite_cannot_write(connection)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip()
        return reason.splitlines()[0] if reason else type(error).__name__
    return None


def _sqlite_cannot_write(connection: Connection) -> str | None:
    """Why SQLite could not save a booking now (its disk, or its size limit, is full)."""
    pages = connection.execute(text("PRAGMA main.page_count")).scalar_one()
    most = connection.execute(text("PRAGMA main.max_page_count")).scalar_one()
    if pages >= most - 1:
        return f"{CANNOT_WRITE}: it has reached its size limit"
    path = connection.engine.url.database
    if path and path != ":memory:":
        free = shutil.disk_usage(Path(path).resolve().parent).free
        if free < LEAST_FREE_BYTES:
            return f"{CANNOT_WRITE}: the disk is full"
    return None
