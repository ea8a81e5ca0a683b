"""Erasing a client (`flask --app wsgi client-erase CLIENT --yes`, or admin on their page).

Their health answers, consents, session records, agreed changes, messages and call requests
are deleted; their row becomes a tombstone (no name, email, phone or carer) so their bookings
stay in the diary and the counts as anonymous rows. Refused while they have a session to
come. The audit trail gets one event with ids and counts only; its earlier entries about
the client stay (they hold ids, times and short codes, never contact details: README).

On SQLite the database overwrites deleted rows with zeros (`secure_delete`, set on every
connection in booking/database.py), and after an erasure the write-ahead log is folded into
the file and emptied, so no copy of the details is left in either file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from booking.clock import practice_zone
from booking.domain.audit import AuditAction
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import (
    Booking,
    CallRequest,
    Client,
    Consent,
    Intake,
    OutboxMessage,
    SessionAdjustment,
    SessionNote,
    WaitlistEntry,
    WaitlistOffer,
)
from booking.services.staff import audit
from booking.services.staff.audit import Actor
from booking.transactions import write_transaction

TOMBSTONE_NAME = "Erased client"
LIVE = (BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW)


class ErasureRefused(Exception):
    """The client cannot be erased yet; `reason` says why, in words for staff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class ErasureReport:
    """What one erasure removed, by kind (counts only: safe for the audit trail)."""

    intakes: int = 0
    consents: int = 0
    session_records: int = 0
    agreed_changes: int = 0
    messages: int = 0
    call_requests: int = 0
    bookings_kept_anonymous: int = 0
    waiting_list_places: int = 0  # last: the audit detail of older erasures lacks it

    def detail(self) -> str:
        """The counts in one short line for the audit trail."""
        return ", ".join(
            f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self)
        )


def next_live_booking(client_id: int, now: datetime) -> Booking | None:
    """The client's next session that is booked or held and not yet over, if any."""
    return db.session.scalars(
        select(Booking)
        .where(
            Booking.client_id == client_id,
            Booking.status.in_(LIVE),
            Booking.end_utc > now,
        )
        .order_by(Booking.start_utc)
        .limit(1)
    ).first()


def refusal(client: Client, now: datetime) -> str | None:
    """Why this client cannot be erased now, or None when they can."""
    if client.erased_at is not None:
        day = client.erased_at.astimezone(practice_zone())
        return f"This client's details were already erased on {day.day} {day:%B %Y}."
    coming = next_live_booking(client.id, now)
    if coming is not None:
        start = coming.start_utc.astimezone(practice_zone())
        return (
            f"They have a session on {start:%A} {start.day} {start:%B %Y at %H:%M}. Cancel it "
            "(or every coming session) first, or erase their details after it."
        )
    return None


def _contacts(client: Client) -> list[str]:
    """Every address and number messages to the client (or their carer) were sent to."""
    known = [client.email, client.phone, client.carer_email, client.carer_phone]
    return [value for value in known if value]


def erase_in_transaction(client: Client, now: datetime) -> ErasureReport:
    """Erase one client inside the caller's write transaction (the caller checked `refusal`)."""
    report = ErasureReport()
    bookings = select(Booking.id).where(Booking.client_id == client.id).scalar_subquery()
    session = db.session

    def gone(statement) -> int:
        return session.execute(statement).rowcount or 0

    report.session_records = gone(delete(SessionNote).where(SessionNote.booking_id.in_(bookings)))
    report.agreed_changes = gone(
        delete(SessionAdjustment).where(SessionAdjustment.booking_id.in_(bookings))
    )
    contacts = _contacts(client)
    messages = OutboxMessage.booking_id.in_(bookings)
    calls = CallRequest.client_id == client.id
    if contacts:
        messages = or_(messages, OutboxMessage.recipient.in_(contacts))
        calls = or_(calls, CallRequest.phone.in_(contacts))
    report.messages = gone(delete(OutboxMessage).where(messages))
    report.call_requests = gone(delete(CallRequest).where(calls))
    report.consents = gone(delete(Consent).where(Consent.client_id == client.id))
    places = select(WaitlistEntry.id).where(WaitlistEntry.client_id == client.id)
    session.execute(
        delete(WaitlistOffer).where(WaitlistOffer.entry_id.in_(places.scalar_subquery()))
    )
    report.waiting_list_places = gone(
        delete(WaitlistEntry).where(WaitlistEntry.client_id == client.id)
    )
    # A later intake may be based on an earlier one: unlink them before deleting them all.
    session.execute(update(Intake).where(Intake.client_id == client.id).values(based_on_id=None))
    report.intakes = gone(delete(Intake).where(Intake.client_id == client.id))
    # The bookings stay, for the diary and the counts, without anything the client said and
    # without a link that could still open them.
    report.bookings_kept_anonymous = gone(
        update(Booking)
        .where(Booking.client_id == client.id)
        .values(
            checkin_answer=None,
            followup_answer=None,
            followup_lasted=None,
            cancel_note=None,
            manage_token_hash=None,
            manage_token_sealed=None,
        )
    )
    _tombstone(client, now)
    session.flush()
    return report


def _tombstone(client: Client, now: datetime) -> None:
    client.name = TOMBSTONE_NAME
    client.preferred_name = None
    client.email = None
    client.phone = None
    client.carer_name = None
    client.carer_relationship = None
    client.carer_email = None
    client.carer_phone = None
    client.send_to_carer = False
    client.carer_copies = False
    client.quiet_from_local = None
    client.quiet_until_local = None
    client.wants_reminders = False
    client.worsening_starts = None
    client.best_days = None
    client.best_parts = None
    client.reminder_channels = None
    client.contact_channel = "email"
    client.erased_at = now


def erase_client(client_id: int, actor: Actor, now: datetime) -> ErasureReport | None:
    """Erase a client's personal details; None for an unknown client.

    Raises ErasureRefused (nothing changed) while they have a session to come.
    """
    with write_transaction():
        client = db.session.scalars(
            select(Client).where(Client.id == client_id).with_for_update()
        ).first()
        if client is None:
            return None
        reason = refusal(client, now)
        if reason:
            raise ErasureRefused(reason)
        report = erase_in_transaction(client, now)
        audit.record(
            actor, AuditAction.ERASED_CLIENT, now, client_id=client_id, detail=report.detail()
        )
    scrub_free_space()
    return report


def erase_clients(client_ids: Sequence[int], now: datetime) -> int:
    """Erase these clients (past their keeping time: the caller chose them) in one transaction,
    skipping any that gained a session meanwhile; one audit event each, counts only. Returns
    how many were erased."""
    erased = 0
    with write_transaction():
        clients = db.session.scalars(
            select(Client).where(Client.id.in_(client_ids)).with_for_update()
        ).all()
        for client in clients:
            if refusal(client, now):
                continue
            report = erase_in_transaction(client, now)
            audit.record(
                audit.SYSTEM_ACTOR,
                AuditAction.ERASED_CLIENT,
                now,
                client_id=client.id,
                detail="past its keeping time; " + report.detail(),
            )
            erased += 1
    return erased


def scrub_free_space() -> None:
    """On SQLite, fold the write-ahead log into the database file and empty it.

    The log keeps earlier copies of changed pages until it is reused; with `secure_delete`
    the file itself already holds zeros where the erased rows were. Best effort: a reader
    still open elsewhere only delays the log's emptying to the next checkpoint.
    """
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        # The driver's own connection: no BEGIN around it (a checkpoint cannot run inside one).
        connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
