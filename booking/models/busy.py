"""A therapist's own calendar (a private ICS address) and the busy time read from it.

Only what availability needs is kept: the address (encrypted, it is a secret), what the server
said about its copy (ETag, Last-Modified), how the last reads went, and the busy blocks as
plain UTC start and end. Never a title, a description, a place or an attendee.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import created_at, updated_at


class BusyCalendar(db.Model):
    """One practitioner's own calendar address and how reading it went."""

    __tablename__ = "busy_calendars"

    practitioner_id: Mapped[int] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE"), primary_key=True
    )
    # The address, encrypted with the field cipher (booking/encryption.py).
    address_encrypted: Mapped[str] = mapped_column(Text)
    # Only the host is ever shown back ("calendar.google.com"), never the secret path.
    address_host: Mapped[str] = mapped_column(String(255))
    etag: Mapped[str | None] = mapped_column(String(255))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    # The busy blocks kept reach this far: a copy reaching less far is read again in full.
    expanded_until_utc: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    # What went wrong last time, as a kind (booking/domain/busy_calendar.py ReadProblem);
    # None after a good read. Never the address or anything from the calendar.
    last_problem: Mapped[str | None] = mapped_column(String(40))
    # "Read it now": the worker reads it on its next pass.
    read_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class BusyBlock(db.Model):
    """Time a practitioner's own calendar shows as busy: start and end, nothing else."""

    __tablename__ = "busy_blocks"
    __table_args__ = (
        CheckConstraint("start_utc < end_utc", name="starts_before_end"),
        Index("ix_busy_blocks_practitioner_start", "practitioner_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(
        ForeignKey("busy_calendars.practitioner_id", ondelete="CASCADE")
    )
    start_utc: Mapped[datetime]
    end_utc: Mapped[datetime]
