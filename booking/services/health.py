"""Is the app able to do its work?"""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from booking.extensions import db


def database_problem() -> str | None:
    """None when a real round trip to the database works; otherwise the reason, in one line."""
    try:
        # A separate connection with a deferred start: a probe never takes the SQLite write
        # lock, and never disturbs the request's own session.
        with db.engine.connect().execution_options(sqlite_begin="DEFERRED") as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip()
        return reason.splitlines()[0] if reason else type(error).__name__
    return None
