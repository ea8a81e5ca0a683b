"""The therapist's record after a session, and the agreed change for the next one.

The record holds what was actually done (hands-on minutes, pressure, positions, areas) and two
free texts that may mention health, stored encrypted like the intake answers. It absorbed the
short after-session note of earlier versions: that note is its "what helped" text, which is why
the table keeps its old name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import created_at, updated_at


class SessionNote(db.Model):
    """One record per booking, written by the therapist after the session.

    Records from before the session record existed hold only `note_encrypted`; the other
    columns are then empty.
    """

    __tablename__ = "session_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    # What helped, and anything else to remember (booking.encryption.cipher(); may be empty).
    note_encrypted: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    hands_on_minutes: Mapped[int | None]
    pressure: Mapped[int | None]  # 1 (the lightest touch) to 5, as in the questionnaire
    positions: Mapped[str | None] = mapped_column(String(120))  # comma-separated keys
    areas_worked: Mapped[str | None] = mapped_column(String(120))  # BODY_AREAS keys
    areas_avoided: Mapped[str | None] = mapped_column(String(120))
    arrived: Mapped[str | None] = mapped_column(String(20))  # a key of ARRIVED
    avoid_next_encrypted: Mapped[str | None] = mapped_column(Text)  # what to avoid next time


class SessionAdjustment(db.Model):
    """The therapist's accepted (or edited) suggestion for a coming session.

    Never applied by itself: a longer session is offered to the client in the next reminder,
    and only their yes changes the booking (`longer_service_id` is the session it becomes).
    """

    __tablename__ = "session_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), unique=True
    )
    direction: Mapped[str] = mapped_column(String(20))  # a booking.domain.next_session.Direction
    hands_on_minutes: Mapped[int]
    pressure: Mapped[int]
    # Last time's hands-on minutes when this is an offer of more, which the client answers;
    # None when there is nothing to ask them (the same, or gentler).
    offered_from_minutes: Mapped[int | None]
    longer_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL")
    )
    client_answer: Mapped[str | None] = mapped_column(String(20))  # "yes" or "keep"
    answered_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
