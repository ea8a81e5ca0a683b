"""`epoch_seconds`: stored UTC times read back as whole seconds, rounded the way asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.database import epoch_seconds
from booking.extensions import db
from booking.models import Closure


@pytest.mark.parametrize(
    ("moment", "down", "up"),
    [
        (datetime(2027, 3, 28, 1, 0, 0, tzinfo=UTC), 1806195600, 1806195600),
        (datetime(2027, 3, 28, 1, 0, 0, 1, tzinfo=UTC), 1806195600, 1806195601),
        (datetime(2027, 3, 28, 1, 0, 59, 999999, tzinfo=UTC), 1806195659, 1806195660),
        (datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC), -1, 0),
    ],
)
def test_whole_seconds_rounded_down_and_up(app, moment, down, up):
    with app.app_context():
        db.session.add(Closure(start_utc=moment - timedelta(hours=1), end_utc=moment, reason=""))
        db.session.flush()
        got = db.session.execute(
            select(epoch_seconds(Closure.end_utc), epoch_seconds(Closure.end_utc, up=True))
        ).one()
        db.session.rollback()
    assert tuple(got) == (down, up)
    assert int(moment.timestamp() // 1) == down
