"""The app's clock and the practice's zone. Edges ask for `now` and pass it to services and domain.

Tests replace the clock with a fixed one: ``app.extensions["clock"] = lambda: moment``.
Times are stored in UTC; people read them in the practice's zone (`Europe/London` by default),
and every template gets that zone and the practice's `today` from `template_context()`.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app

from booking.database import utc_now


def init_app(app: Flask) -> None:
    """Give the app the real clock unless one was set already."""
    app.extensions.setdefault("clock", utc_now)


def now_utc() -> datetime:
    """The current time from the app's clock, aware UTC."""
    return current_app.extensions["clock"]()


def practice_zone() -> ZoneInfo:
    """The practice's time zone, for dates and times shown to people."""
    return ZoneInfo(current_app.config["PRACTICE_TIMEZONE"])


def local_date(moment: datetime) -> date:
    """The day `moment` falls on at the practice."""
    return moment.astimezone(practice_zone()).date()


def practice_today() -> date:
    """Today's date at the practice, by the app's clock."""
    return local_date(now_utc())


def template_context() -> dict[str, object]:
    """`zone` and `today` for every template, so no view has to pass them."""
    return {"zone": practice_zone(), "today": practice_today()}
