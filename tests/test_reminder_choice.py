"""\"No reminders, thank you\" means no reminder, nudge, check-in or follow-up of any kind, while
messages about booking, moving and cancelling still go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Client, OutboxMessage
from booking.services.messaging import notify, outbox
from tests.support import DEFAULT_NOW
from tests.support.booking import MONDAY, book_as_client, booking_for
from tests.support.factories import make_booking, make_client
from tests.support.intake import GOOD_PAGES, fill_in, intake_link, send
from tests.support.pages import text_of
from tests.support.staff import signed_in_client

NO_REMINDERS = {**GOOD_PAGES["consent"], "reminders": ["none"]}


def _kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def _wants_reminders(app) -> bool:
    with app.app_context():
        return db.session.scalars(select(Client.wants_reminders)).one()


def _send_everything(app, inbox) -> list[str]:
    """Run the worker at every due time up to a week after the session; the subjects sent."""
    with app.app_context():
        for moment in (DEFAULT_NOW, MONDAY - timedelta(hours=12), MONDAY + timedelta(days=3)):
            outbox.run_once(lambda moment=moment: moment)
    return [str(message["Subject"]) for message in inbox.messages]


def test_saying_no_reminders_in_the_questionnaire_stops_every_reminder(
    app, practice, inbox, client
):
    token = book_as_client(app)  # queues the reminder and follow-up, as for everyone
    assert {"client_reminder", "client_followup"} <= set(_kinds(app))
    link = intake_link(client, token)
    fill_in(client, link, consent=NO_REMINDERS)
    assert send(client, link).status_code == 303
    assert _wants_reminders(app) is False

    subjects = _send_everything(app, inbox)
    assert any(subject.startswith("Booked") for subject in subjects)  # the confirmation goes
    assert not any(
        subject.startswith(("Tomorrow", "How were you", "A gentle reminder"))
        for subject in subjects
    )
    with app.app_context():
        dropped = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.dropped_at.is_not(None))
        ).all()
    assert {"client_reminder", "client_followup"} <= set(dropped)


def test_a_later_booking_queues_no_reminder_but_its_confirmation(app, practice, inbox, client):
    link = intake_link(client, book_as_client(app))
    fill_in(client, link, consent=NO_REMINDERS)
    send(client, link)
    before = len(_kinds(app))
    later = book_as_client(app, start=MONDAY + timedelta(days=14), slug="gentle-massage")
    new = _kinds(app)[before:]
    assert "client_confirmation" in new
    assert not {"client_reminder", "client_followup", "client_intake_nudge"} & set(new)
    assert booking_for(app, later).client_id is not None


def test_the_same_client_with_reminders_gets_them(app, practice, inbox, client):
    """The control for the first test: ticking email keeps the reminder and the follow-up."""
    link = intake_link(client, book_as_client(app))
    fill_in(client, link)
    send(client, link)
    assert _wants_reminders(app) is True
    subjects = _send_everything(app, inbox)
    assert any(subject.startswith("Tomorrow") for subject in subjects)
    assert "How were you after your session?" in subjects


def test_the_phone_list_leaves_out_clients_who_asked_for_no_reminders(app):
    with app.app_context():
        for name, wants in (("Pat Phone", True), ("Quinn Quiet", False)):
            client = make_client(name=name, email=None, phone="+441632960123")
            booking = make_booking(client=client, start_utc=DEFAULT_NOW + timedelta(days=1))
            notify.queue_reminders(booking, DEFAULT_NOW - timedelta(days=7))
            client.wants_reminders = wants  # said after the calls were queued
        db.session.commit()
    words = text_of(signed_in_client(app, StaffRole.RECEPTION).get("/dashboard/phone-calls"))
    assert "Pat Phone" in words
    assert "Quinn Quiet" not in words


def test_the_question_says_booking_messages_still_come(app, practice, client):
    link = intake_link(client, book_as_client(app))
    fill_in(client, link, until="consent")
    words = text_of(client.get(f"{link}/consent"))
    assert "No reminders, thank you" in words
    assert "Messages about booking, moving or cancelling a session always come by email." in words
