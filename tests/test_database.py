"""The data layer: aware UTC times, enforced rules, and SQLite set up for concurrent writers."""

import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, StatementError

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Opening, Practitioner
from booking.transactions import write_transaction
from tests.support import run_together, sqlite_only
from tests.support.factories import (
    hour_booking_row,
    make_booking,
    make_client,
    make_practitioner,
    make_service,
)

LONDON = ZoneInfo("Europe/London")


def test_times_are_stored_and_read_back_as_aware_utc(app):
    summer_local = datetime(2026, 7, 1, 10, 30, tzinfo=LONDON)  # BST, UTC+1
    with app.app_context():
        opening = Opening(
            practitioner=make_practitioner(),
            start_utc=summer_local,
            end_utc=summer_local + timedelta(hours=3),
        )
        db.session.add(opening)
        db.session.commit()
        opening_id = opening.id
        db.session.expunge_all()

        loaded = db.session.get(Opening, opening_id)
        assert loaded.start_utc.tzinfo is UTC
        assert loaded.start_utc == datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
        assert loaded.created_at.tzinfo is UTC


def test_naive_datetimes_are_refused(app):
    with app.app_context():
        db.session.add(
            Opening(
                practitioner=make_practitioner(),
                start_utc=datetime(2026, 7, 1, 10, 0),
                end_utc=datetime(2026, 7, 1, 12, 0),
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            db.session.flush()


def test_a_client_needs_an_email_or_a_phone(app):
    with app.app_context():
        make_client(email=None, phone="07700 900123")
        with pytest.raises(IntegrityError):
            make_client(email=None, phone=None)


def test_foreign_keys_are_enforced(app):
    with app.app_context():
        client, service = make_client(), make_service()
        start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        db.session.add(
            Booking(
                client_id=client.id,
                service_id=service.id,
                practitioner_id=999_999,  # no such practitioner
                start_utc=start,
                end_utc=start + timedelta(hours=1),
                blocked_from_utc=start,
                blocked_until_utc=start + timedelta(hours=1),
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_booking_defaults_are_fresh_per_row(app):
    with app.app_context():
        first, second = make_booking(), make_booking()
        assert first.status is BookingStatus.CONFIRMED
        assert first.ical_sequence == 0
        assert first.ical_uid != second.ical_uid
        assert "@" in first.ical_uid


@sqlite_only
def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app):
    with app.app_context(), db.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == 15_000


def other_sqlite_connection():
    """A second, plain connection to the same SQLite file that never waits for locks."""
    return sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)


@sqlite_only
def test_sqlite_reads_never_block_a_writer(app):
    with app.app_context():
        other = other_sqlite_connection()
        try:
            db.session.scalar(select(func.count()).select_from(Booking))  # a read transaction
            other.execute("BEGIN IMMEDIATE")  # another request can still write (WAL)
            other.execute("ROLLBACK")
        finally:
            other.close()


@sqlite_only
def test_sqlite_write_transactions_take_the_write_lock_at_begin(app):
    with app.app_context():
        other = other_sqlite_connection()
        try:
            with write_transaction():
                db.session.scalar(select(func.count()).select_from(Booking))  # only a read
                with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                    other.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")  # released at commit
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_write_transaction_commits_or_rolls_back_as_a_whole(app):
    with app.app_context():
        with write_transaction():
            make_practitioner(name="Kept")
        with pytest.raises(IntegrityError), write_transaction():
            make_practitioner(name="Lost with the bad client")
            make_client(email=None, phone=None)
        db.session.expunge_all()
        names = db.session.scalars(select(Practitioner.name)).all()
        assert names == ["Kept"]


@pytest.mark.parametrize("how", ["pending", "flushed", "autoflushed", "executed"])
def test_write_transaction_never_swallows_earlier_uncommitted_writes(app, how):
    with app.app_context():
        db.session.add(Practitioner(name="Half-made", email="half@example.test"))
        if how == "flushed":
            db.session.flush()
        elif how == "autoflushed":
            db.session.scalar(select(func.count()).select_from(Practitioner))
        elif how == "executed":
            db.session.commit()
            db.session.execute(update(Practitioner).values(name="Changed behind its back"))
        with pytest.raises(RuntimeError, match="uncommitted writes"), write_transaction():
            pass


def test_write_transaction_after_a_read_or_a_commit_starts_cleanly(app):
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(Practitioner))  # a read only
        with write_transaction():
            make_practitioner(name="First")
        with write_transaction():  # the flag from the first transaction is gone
            make_practitioner(name="Second")
        assert db.session.scalar(select(func.count()).select_from(Practitioner)) == 2


def test_write_transactions_do_not_nest_or_end_early(app):
    with app.app_context():
        with pytest.raises(RuntimeError, match="already open"), write_transaction():
            make_practitioner(name="Outer")
            with write_transaction():
                pass
        with pytest.raises(RuntimeError, match="ended inside"), write_transaction():
            make_practitioner(name="Committed too soon")
            db.session.commit()
            make_practitioner(name="Outside any lock")
        names = set(db.session.scalars(select(Practitioner.name)))
        assert "Outer" not in names
        assert "Outside any lock" not in names


@sqlite_only
def test_sqlite_check_then_insert_from_many_threads_books_a_time_once(app):
    """ "Is it free? then insert" inside write_transaction() is safe on SQLite.

    (PostgreSQL's guarantee is an exclusion constraint; see test_constraints.py.)
    """
    with app.app_context():
        practitioner, service = make_practitioner(), make_service(minutes=60)
        clients = [make_client() for _ in range(16)]
        db.session.commit()
        ids = (practitioner.id, service.id, [c.id for c in clients])
    start = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    outcomes: list[str] = []

    def try_to_book(client_id: int) -> None:
        with app.app_context(), write_transaction():
            taken = db.session.scalar(
                select(func.count())
                .select_from(Booking)
                .where(
                    Booking.practitioner_id == ids[0],
                    Booking.blocked_from_utc < start + timedelta(hours=1),
                    Booking.blocked_until_utc > start,
                )
            )
            if taken:
                outcomes.append("taken")
            else:
                db.session.add(hour_booking_row(client_id, ids[0], ids[1], start))
                outcomes.append("booked")

    run_together(try_to_book, ids[2])

    assert sorted(outcomes) == ["booked"] + ["taken"] * 15
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
