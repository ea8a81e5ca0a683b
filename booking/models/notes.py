"""The therapist's short note after a session (encrypted: it may mention health)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import created_at, updated_at


class SessionNote(db.Model):
    """One note per booking, written by the therapist after the session."""

    __tablename__ = "session_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    note_encrypted: Mapped[str] = mapped_column(Text)  # booking.encryption.cipher()
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
