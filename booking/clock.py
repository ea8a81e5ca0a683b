"""The app's clock. Edges ask it for `now` and pass the value to services and domain code.

Tests replace it with a fixed clock: ``app.extensions["clock"] = lambda: moment``.
"""

from datetime import datetime

from flask import Flask, current_app

from booking.database import utc_now


def init_app(app: Flask) -> None:
    """Give the app the real clock unless one was set already."""
    app.extensions.setdefault("clock", utc_now)


def now_utc() -> datetime:
    """The current time from the app's clock, aware UTC."""
    return current_app.extensions["clock"]()
