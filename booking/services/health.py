"""Is the app able to do its work?"""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from booking.extensions import db


def database_answers() -> bool:
    """True when a real round trip to the database succeeds."""
    try:
        # A separate connection with a deferred start: a health probe never takes the SQLite
        # write lock, and never disturbs the request's own session.
        with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
            return connection.execute(text("SELECT 1")).scalar_one() == 1
    except SQLAlchemyError:
        return False
