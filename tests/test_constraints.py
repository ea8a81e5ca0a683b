"""The database itself refuses two live bookings of one practitioner that overlap.

PostgreSQL: an exclusion constraint; SQLite: triggers. Both run for every test here.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking
from booking.transactions import is_retryable, write_transaction
from tests.support import run_together, sqlite_only
from tests.support.factories import (
    hour_booking_row,
    make_booking,
    make_client,
    make_practitioner,
    make_service,
)

TEN = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def hour_booking(practitioner, start, **overrides):
    """A 60-minute session with no buffers, so the blocked time is exactly the hour."""
    service = make_service(minutes=60, buffer_before_minutes=0, buffer_after_minutes=0)
    return make_booking(practitioner=practitioner, service=service, start_utc=start, **overrides)


@pytest.mark.parametrize(
    ("offset_minutes", "overlaps"),
    [(0, True), (30, True), (-30, True), (59, True), (60, False), (-60, False), (120, False)],
)
def test_overlap_is_refused_and_back_to_back_is_fine(app, offset_minutes, overlaps):
    with app.app_context():
        maya = make_practitioner()
        hour_booking(maya, TEN)
        if overlaps:
            with pytest.raises(IntegrityError, match="no_overlapping_bookings"):
                hour_booking(maya, TEN + timedelta(minutes=offset_minutes))
        else:
            hour_booking(maya, TEN + timedelta(minutes=offset_minutes))


def test_buffers_count_as_taken_time(app):
    with app.app_context():
        maya = make_practitioner()
        rest = make_service(minutes=45, buffer_before_minutes=10, buffer_after_minutes=15)
        make_booking(practitioner=maya, service=rest, start_utc=TEN)  # blocks 09:50 to 11:00
        with pytest.raises(IntegrityError):
            hour_booking(maya, TEN + timedelta(minutes=55))
        db.session.rollback()


def test_other_practitioners_and_cancelled_bookings_do_not_block(app):
    with app.app_context():
        maya, tom = make_practitioner(), make_practitioner()
        first = hour_booking(maya, TEN)
        hour_booking(tom, TEN)
        first.status = BookingStatus.CANCELLED
        db.session.flush()
        hour_booking(maya, TEN)  # the cancelled one no longer holds the time


def test_changes_that_would_overlap_are_refused_too(app):
    with app.app_context():
        maya = make_practitioner()
        cancelled = hour_booking(maya, TEN, status=BookingStatus.CANCELLED)
        later = hour_booking(maya, TEN + timedelta(hours=2))
        hour_booking(maya, TEN)
        later.start_utc += timedelta(minutes=15)  # moving within its own time is fine
        later.end_utc += timedelta(minutes=15)
        later.blocked_from_utc += timedelta(minutes=15)
        later.blocked_until_utc += timedelta(minutes=15)
        db.session.flush()
        cancelled.status = BookingStatus.CONFIRMED  # reviving onto a taken time is not
        with pytest.raises(IntegrityError, match="no_overlapping_bookings"):
            db.session.flush()
        db.session.rollback()


def test_sixteen_blind_concurrent_inserts_leave_one_booking(app):
    """No code checks first: the database alone decides, and exactly one writer wins."""
    with app.app_context():
        maya = make_practitioner()
        service = make_service(minutes=60, buffer_before_minutes=0, buffer_after_minutes=0)
        clients = [make_client() for _ in range(16)]
        db.session.commit()
        ids = maya.id, service.id, [c.id for c in clients]
    outcomes: list[str] = []

    def insert(client_and_offset: tuple[int, int]) -> None:
        client_id, offset = client_and_offset
        start = TEN + timedelta(minutes=offset)
        with app.app_context():
            try:
                with write_transaction():
                    db.session.add(hour_booking_row(client_id, ids[0], ids[1], start))
                outcomes.append("booked")
            except IntegrityError:
                outcomes.append("refused")
            except OperationalError as error:
                # PostgreSQL may break a wait cycle between the writers by aborting one: also
                # a refusal by the database (services run such a transaction again).
                assert is_retryable(error), error
                outcomes.append("refused")
            finally:
                db.session.remove()

    # Every start lies within 45 minutes of the others, so every pair overlaps.
    run_together(insert, [(cid, (i * 3) % 46) for i, cid in enumerate(ids[2])])

    assert sorted(outcomes) == ["booked"] + ["refused"] * 15
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


@sqlite_only
def test_sqlite_compares_times_written_in_other_iso_forms(app):
    with app.app_context():
        booking = hour_booking(make_practitioner(), TEN)
        db.session.commit()
        ids = booking.client_id, booking.practitioner_id, booking.service_id
        insert = text(
            "INSERT INTO bookings (client_id, practitioner_id, service_id, start_utc, end_utc,"
            " blocked_from_utc, blocked_until_utc, status, ical_uid, ical_sequence, created_at,"
            " updated_at) VALUES (:c, :p, :s, :start, :end, :start, :end, 'confirmed', :uid, 0,"
            " '2026-11-21', '2026-11-21')"
        )
        with pytest.raises(IntegrityError, match="no_overlapping_bookings"):
            db.session.execute(
                insert,
                dict(zip("cps", ids, strict=True))
                | {"start": "2026-12-01T10:30:00", "end": "2026-12-01T11:30:00", "uid": "a"},
            )
        db.session.rollback()
        db.session.execute(  # back to back, without microseconds: fine
            insert,
            dict(zip("cps", ids, strict=True))
            | {"start": "2026-12-01 11:00:00", "end": "2026-12-01 12:00:00", "uid": "b"},
        )
