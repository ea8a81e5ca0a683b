"""Kept pages (views/page_cache.py): served again only while every time they offer is still
free and bookable. Any change by any writer, or time passing the minimum notice, renders
the page afresh."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, insert, select, text, update

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import AvailabilityVersion, Booking, PracticeSetting
from booking.views.page_cache import kept_page
from tests.support.factories import (
    make_booking,
    make_client,
    make_closure,
    make_practitioner,
    make_service,
    make_weekly_hours,
)
from tests.support.queries import recorded_statements

MONDAY = date(2026, 11, 23)  # DEFAULT_NOW is Saturday 21 November, 10:00 UTC
PAGE = f"/book/gentle?from={MONDAY.isoformat()}"
TEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 10:00 in London (GMT)


def shows(client, moment: datetime) -> bool:
    """Whether the times page offers `moment` (a link to choose it)."""
    html = client.get(PAGE).get_data(as_text=True)
    offered = {unquote(raw) for raw in re.findall(r'start=([^&"]+)', html)}
    return moment.isoformat() in offered


@pytest.fixture
def practice(app):
    """One therapist on Mondays 09:00-17:00, a gentle hour, and the version row (the test
    database is emptied between tests, row included)."""
    with app.app_context():
        db.session.execute(text("DELETE FROM availability_version"))
        db.session.execute(insert(AvailabilityVersion).values(id=1, generation="test", version=0))
        therapist = make_practitioner(name="Maya")
        make_weekly_hours(therapist)
        service = make_service(slug="gentle", minutes=60, buffer_before_minutes=0,
                               buffer_after_minutes=0)  # fmt: skip
        db.session.commit()
        return {"therapist": therapist.id, "service": service.id}


def version(app) -> int:
    with app.app_context():
        return db.session.scalar(select(AvailabilityVersion.version))


def test_a_kept_page_is_served_with_one_query(app, client, practice):
    first = client.get(PAGE)
    assert first.status_code == 200
    with recorded_statements(app) as statements:
        again = client.get(PAGE)
    assert again.get_data() == first.get_data()
    assert [s for s in statements if not s.startswith("BEGIN")] == [
        s for s in statements if "availability_version" in s
    ]
    assert len(statements) <= 2  # SQLite may add its BEGIN


def test_a_booking_by_any_writer_takes_the_time_off_at_once(app, client, practice):
    assert shows(client, TEN)
    with app.app_context():  # raw SQL, as another program might write it
        client_id = make_client().id
        db.session.execute(
            insert(Booking).values(
                client_id=client_id, practitioner_id=practice["therapist"],
                service_id=practice["service"], start_utc=TEN, end_utc=TEN + timedelta(hours=1),
                blocked_from_utc=TEN, blocked_until_utc=TEN + timedelta(hours=1),
                ical_uid="raw@test",
            )
        )  # fmt: skip
        db.session.commit()
    assert not shows(client, TEN)


def test_a_cancellation_gives_the_time_back(app, client, practice):
    with app.app_context():
        booking = make_booking(
            practitioner=db.session.get(make_practitioner().__class__, practice["therapist"]),
            service=db.session.get(make_service().__class__, practice["service"]),
            start_utc=TEN,
        )
        db.session.commit()
        booking_id = booking.id
    assert not shows(client, TEN)
    with app.app_context():
        db.session.execute(
            update(Booking).where(Booking.id == booking_id).values(status=BookingStatus.CANCELLED)
        )
        db.session.commit()
    assert shows(client, TEN)


def test_hours_closures_and_settings_all_change_the_page(app, client, practice):
    tuesday_ten = TEN + timedelta(days=1)
    assert not shows(client, tuesday_ten)
    with app.app_context():
        therapist = db.session.get(make_practitioner().__class__, practice["therapist"])
        make_weekly_hours(therapist, weekday=1)
        db.session.commit()
    assert shows(client, tuesday_ten)
    with app.app_context():
        make_closure(TEN - timedelta(hours=2), TEN + timedelta(days=2), reason="closed")
        db.session.commit()
    assert not shows(client, TEN)
    assert not shows(client, tuesday_ten)
    with app.app_context():
        db.session.execute(text("DELETE FROM closures"))
        db.session.add(PracticeSetting(key="max_advance_days", value="1"))
        db.session.commit()
    assert not shows(client, TEN)  # now too far ahead


def test_answers_and_notes_on_a_booking_do_not_throw_pages_away(app, practice):
    with app.app_context():
        booking = make_booking(start_utc=TEN + timedelta(days=7))
        db.session.commit()
        before = version(app)
        booking.checkin_answer = "as_planned"
        db.session.commit()
        assert version(app) == before
        booking.status = BookingStatus.CANCELLED
        db.session.commit()
        assert version(app) == before + 1


def test_a_time_leaves_the_page_when_it_comes_within_the_minimum_notice(
    app, client, practice, freeze
):
    nine = TEN - timedelta(hours=1)
    assert shows(client, nine)
    freeze(nine - timedelta(hours=12) + timedelta(seconds=1))  # 12 hours' notice, just missed
    assert not shows(client, nine)
    assert shows(client, TEN)


def test_a_new_generation_never_matches_pages_kept_before(app, client, practice):
    assert shows(client, TEN)
    with app.app_context():
        db.session.execute(text("DELETE FROM availability_version"))
        db.session.execute(insert(AvailabilityVersion).values(id=1, generation="new", version=0))
        # A booking written while the triggers count from 0 again.
        make_booking(
            practitioner=db.session.get(make_practitioner().__class__, practice["therapist"]),
            service=db.session.get(make_service().__class__, practice["service"]),
            start_utc=TEN,
        )
        db.session.execute(update(AvailabilityVersion).values(version=0))
        db.session.commit()
    assert not shows(client, TEN)


def test_without_the_version_row_nothing_is_kept(app, client, practice):
    client.get(PAGE)
    with app.app_context():
        db.session.execute(text("DELETE FROM availability_version"))
        db.session.commit()
        make_booking(
            practitioner=db.session.get(make_practitioner().__class__, practice["therapist"]),
            service=db.session.get(make_service().__class__, practice["service"]),
            start_utc=TEN,
        )
        db.session.commit()
    assert not shows(client, TEN)


def test_a_visitor_with_a_message_gets_their_own_page(app, client, practice):
    client.get(PAGE)  # kept
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your booking was moved.")]
    assert "Your booking was moved." in client.get(PAGE).get_data(as_text=True)
    assert "Your booking was moved." not in app.test_client().get(PAGE).get_data(as_text=True)


def test_a_version_that_cannot_be_read_keeps_nothing_and_the_page_still_shows(
    app, client, practice, caplog
):
    def no_table(connection, cursor, statement, *_rest):
        if "availability_version" in statement:
            raise sqlite3.OperationalError("no such table: availability_version")

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("the failure is injected through SQLite's driver")
    event.listen(engine, "before_cursor_execute", no_table)
    try:
        assert shows(client, TEN)
        with app.app_context():
            make_booking(
                practitioner=db.session.get(make_practitioner().__class__, practice["therapist"]),
                service=db.session.get(make_service().__class__, practice["service"]),
                start_utc=TEN,
            )
            db.session.commit()
        assert not shows(client, TEN)
        assert "pages not kept" in caplog.text
    finally:
        event.remove(engine, "before_cursor_execute", no_table)


def test_two_writers_do_not_wait_for_each_other_until_they_commit(app, practice):
    """On PostgreSQL the counter moves as a transaction commits, so its row is not locked
    while a booking's transaction is still writing its messages (SQLite has one writer)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one writer in at a time")
        client_id = make_client().id
        db.session.commit()
        before = version(app)

        def raw_booking(connection, hour: int, uid: str) -> None:
            start = TEN + timedelta(hours=hour)
            connection.execute(
                insert(Booking).values(
                    client_id=client_id, practitioner_id=practice["therapist"],
                    service_id=practice["service"], start_utc=start,
                    end_utc=start + timedelta(hours=1), blocked_from_utc=start,
                    blocked_until_utc=start + timedelta(hours=1), ical_uid=uid,
                )
            )  # fmt: skip

        with db.engine.connect() as first, db.engine.connect() as second:
            first.begin()
            raw_booking(first, 0, "first@test")  # written, not yet committed
            second.begin()
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            raw_booking(second, 2, "second@test")
            second.commit()  # would time out waiting for the first's lock on the counter
            assert version(app) == before + 1
            first.commit()
        assert version(app) == before + 2


def test_a_page_with_a_visitors_form_token_is_never_kept(app, practice):
    renders = []

    def with_a_form():
        renders.append(generate_csrf())
        return f"<input name=csrf_token value={renders[-1]}>", None

    for _visitor in ("ann", "bob"):
        with app.test_request_context(PAGE), app.app_context():
            kept_page(with_a_form)
    assert len(renders) == 2  # rendered for each visitor, not kept from the first
