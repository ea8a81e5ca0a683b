"""Booked sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DDL, CheckConstraint, ForeignKey, Index, String, Text, event, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models._columns import created_at, string_enum, updated_at
from booking.models.clients import Client
from booking.models.practice import Practitioner, Service


def new_ical_uid() -> str:
    """A random calendar UID that carries no personal data."""
    return f"{uuid.uuid4()}@booking"


class Booking(db.Model):
    """A client's session with a practitioner.

    `blocked_from_utc`/`blocked_until_utc` are the session plus its rest buffers: the time no
    other booking for the same practitioner may overlap. The database refuses an overlap
    between two bookings that are not cancelled: an exclusion constraint on PostgreSQL, a
    trigger on SQLite (see the end of this module).
    """

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("start_utc < end_utc", name="starts_before_end"),
        CheckConstraint(
            "blocked_from_utc <= start_utc AND end_utc <= blocked_until_utc",
            name="blocked_covers_session",
        ),
        CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
        Index("ix_bookings_practitioner_blocked", "practitioner_id", "blocked_from_utc"),
        Index("ix_bookings_client_start", "client_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"))
    practitioner_id: Mapped[int] = mapped_column(
        ForeignKey("practitioners.id", ondelete="RESTRICT")
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    start_utc: Mapped[datetime]
    end_utc: Mapped[datetime]
    blocked_from_utc: Mapped[datetime]
    blocked_until_utc: Mapped[datetime]
    status: Mapped[BookingStatus] = mapped_column(
        string_enum(BookingStatus, "booking_status"),
        default=BookingStatus.CONFIRMED,
    )
    ical_uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_ical_uid)
    ical_sequence: Mapped[int] = mapped_column(default=0)
    # Only a hash of the private manage link's token is kept.
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    checkin_answer: Mapped[str | None] = mapped_column(String(40))
    followup_answer: Mapped[str | None] = mapped_column(String(40))
    cancel_reason: Mapped[str | None] = mapped_column(String(40))  # a code, e.g. "unwell"
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    # Staff's short note with a cancellation (last: migration 0007 added it to the table's end).
    cancel_note: Mapped[str | None] = mapped_column(String(200))
    # After a worse follow-up answer: how long it lasted (a key of LASTED_ANSWERS).
    followup_lasted: Mapped[str | None] = mapped_column(String(20))
    # The manage link's token encrypted with the field key, so messages about changes staff
    # make can carry the link too; the hash above is what a link is looked up by.
    manage_token_sealed: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship()
    practitioner: Mapped[Practitioner] = relationship()
    service: Mapped[Service] = relationship()

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status} {self.start_utc.isoformat()}>"


# --- No two live bookings of one practitioner overlap, enforced by the database itself. ---
# Ranges are half-open, [from, until): one booking may end exactly when the next begins.

OVERLAP_CONSTRAINT = "no_overlapping_bookings"

Booking.__table__.append_constraint(
    ExcludeConstraint(
        (Booking.__table__.c.practitioner_id, "="),
        (
            func.tstzrange(
                Booking.__table__.c.blocked_from_utc, Booking.__table__.c.blocked_until_utc
            ),
            "&&",
        ),
        where=text("status <> 'cancelled'"),
        using="gist",
        name=OVERLAP_CONSTRAINT,
    ).ddl_if(dialect="postgresql")
)
event.listen(
    Booking.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)

# SQLite has no exclusion constraints; triggers refuse the same rows. Times are compared with
# julianday(), so rows written by hand in another ISO 8601 form compare correctly too.
_SQLITE_OVERLAP_CHECK = """
    SELECT RAISE(ABORT, 'no_overlapping_bookings: that time overlaps another booking')
    WHERE NEW.status <> 'cancelled' AND EXISTS (
        SELECT 1 FROM bookings AS other
        WHERE other.practitioner_id = NEW.practitioner_id
          AND other.id IS NOT NEW.id
          AND other.status <> 'cancelled'
          AND julianday(other.blocked_from_utc) < julianday(NEW.blocked_until_utc)
          AND julianday(NEW.blocked_from_utc) < julianday(other.blocked_until_utc)
    );
"""
for _when in ("INSERT", "UPDATE"):
    event.listen(
        Booking.__table__,
        "after_create",
        DDL(
            f"CREATE TRIGGER {OVERLAP_CONSTRAINT}_{_when.lower()} BEFORE {_when} ON bookings "
            f"FOR EACH ROW BEGIN {_SQLITE_OVERLAP_CHECK} END"
        ).execute_if(dialect="sqlite"),
    )
