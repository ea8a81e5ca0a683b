"""One calendar entry per booking: every calendar file that names a booking's UID agrees on it.

A client may import both the emailed invite and the download from their manage page; a
therapist may get invites and subscribe to the feed. A calendar keeps one event per UID, so if
two files with the same UID disagreed, the event would flip between them on every update.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from booking.extensions import db
from booking.models import Booking, OutboxMessage
from booking.services import booking as bookings
from booking.services.demo import seed_demo
from booking.services.messaging import feeds
from tests.support import DEFAULT_NOW

MONDAY = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
SHARED = ("UID", "SEQUENCE", "SUMMARY", "LOCATION", "ORGANIZER")


def _event(body: bytes) -> dict[str, str]:
    (event,) = Calendar.from_ical(body).events
    return {name: str(event.get(name, "")) for name in (*SHARED, "ATTENDEE")}


def _latest_invite(app, kinds: tuple[str, ...]) -> dict[str, str]:
    with app.app_context():
        message = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.in_(kinds))
            .order_by(OutboxMessage.sequence.desc(), OutboxMessage.id.desc())
        ).first()
        return _event(message.calendar)


def _feed_event(client, feed_token: str, uid: str) -> dict[str, str]:
    response = client.get(f"/feeds/{feed_token}.ics")
    assert response.status_code == 200
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.data).events}
    return {name: str(events[uid].get(name, "")) for name in (*SHARED, "ATTENDEE")}


@pytest.fixture
def booked(app, freeze):
    """A first session booked by the client's link, and the therapist's feed switched on."""
    freeze(DEFAULT_NOW)
    with app.app_context():
        seed_demo(DEFAULT_NOW, app.config["PRACTICE_TIMEZONE"])
        token = bookings.new_manage_token()
        details = bookings.ClientDetails(name="Ann Smith", email="ann@example.com")
        result = bookings.book("first-gentle-session", MONDAY, None, details, token, DEFAULT_NOW)
        practitioner_id = result.booking.practitioner_id
        db.session.commit()
        feed_token = feeds.rotate_feed_token(practitioner_id)
    return token, feed_token


def _check_all_agree(app, client, token: str, feed_token: str, sequence: int) -> None:
    client_invite = _latest_invite(app, ("client_confirmation", "client_update"))
    therapist_invite = _latest_invite(app, ("therapist_invite", "therapist_update"))
    download = _event(client.get(f"/manage/{token}/calendar.ics").data)
    in_feed = _feed_event(client, feed_token, client_invite["UID"])

    for name in SHARED:
        assert download[name] == client_invite[name], name
        assert in_feed[name] == therapist_invite[name], name
    # The same booking, seen by both sides.
    assert client_invite["UID"] == therapist_invite["UID"]
    assert client_invite["SEQUENCE"] == therapist_invite["SEQUENCE"] == str(sequence)
    for event in (client_invite, therapist_invite, download, in_feed):
        assert event["ORGANIZER"].lower().startswith("mailto:")
        assert event["LOCATION"]
    # Each side reads its own words; the client's never names the client.
    assert "Ann" not in client_invite["SUMMARY"]
    assert therapist_invite["SUMMARY"].endswith("\u2013 Ann")
    # Published files carry no attendees (RFC 5546); invites name their recipient.
    assert download["ATTENDEE"] == in_feed["ATTENDEE"] == ""
    assert client_invite["ATTENDEE"] == "mailto:ann@example.com"


def test_invite_download_and_feed_give_one_entry_per_booking(app, client, booked):
    token, feed_token = booked
    _check_all_agree(app, client, token, feed_token, sequence=0)


def test_they_still_agree_after_a_change(app, client, booked):
    token, feed_token = booked
    with app.app_context():
        booking = bookings.shorten(token, "short-session", DEFAULT_NOW)
        assert booking.ical_sequence == 1
    _check_all_agree(app, client, token, feed_token, sequence=1)
    with app.app_context():
        stored = db.session.scalars(select(Booking)).one()
        assert stored.ical_sequence == 1
