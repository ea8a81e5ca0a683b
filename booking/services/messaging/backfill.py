"""After an upgrade: queue what bookings made before it are missing (run once, repeatable).

Reminder calls became outbox rows, and the ways a client chose for reminders became a column,
in this version. Bookings made before have neither: this fills the client's ways from their
latest sent questionnaire and queues each live booking's reminders by those ways. A message
already queued or sent is never queued twice (the outbox's dedupe key), so running it again
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.domain import intake as questionnaire
from booking.domain.channels import store_channels
from booking.domain.statuses import BookingStatus, IntakeStatus
from booking.extensions import db
from booking.models import Booking, Client, Intake
from booking.services.intake.questionnaire import answers_of
from booking.services.messaging import notify
from booking.transactions import write_transaction

RECENT = timedelta(days=7)  # a follow-up is still timely this long after a session


@dataclass
class BackfillReport:
    clients: int = 0  # clients whose reminder ways were read from their answers
    bookings: int = 0  # bookings whose reminders were (re)queued


def queue_missing_reminders(now: datetime) -> BackfillReport:
    report = BackfillReport()
    with write_transaction():
        for client in db.session.scalars(select(Client).where(Client.reminder_channels.is_(None))):
            intake = db.session.scalars(
                select(Intake)
                .where(Intake.client_id == client.id, Intake.status == IntakeStatus.SUBMITTED)
                .order_by(Intake.created_at.desc(), Intake.id.desc())
            ).first()
            chosen = (
                set(answers_of(intake).get("consent", {}).get("reminders") or ())
                if intake
                else set()
            )
            ways = chosen - {questionnaire.NO_REMINDERS}
            if ways:
                client.reminder_channels = store_channels(ways)
                report.clients += 1
        db.session.flush()
        bookings = db.session.scalars(
            select(Booking)
            .options(joinedload(Booking.client))
            .where(
                Booking.end_utc > now - RECENT,
                Booking.status.in_(
                    (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW, BookingStatus.ATTENDED)
                ),
            )
        ).all()
        for booking in bookings:
            notify.queue_reminders(booking, now)
            report.bookings += 1
    return report
