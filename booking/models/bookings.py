"""Booked sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
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
    other booking for the same practitioner may overlap.
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
    cancel_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()

    client: Mapped[Client] = relationship()
    practitioner: Mapped[Practitioner] = relationship()
    service: Mapped[Service] = relationship()

    def __repr__(self) -> str:
        return f"<Booking {self.id} {self.status} {self.start_utc.isoformat()}>"
