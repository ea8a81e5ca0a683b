"""The waiting list: clients who asked to be told when a time that suits them frees, and the
offers sent to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.extensions import db
from booking.models._columns import created_at
from booking.models.clients import Client
from booking.models.practice import Practitioner, Service


class WaitlistEntry(db.Model):
    """One client's wish: a session, with one therapist or anyone, on the days and parts of
    the day that suit them, until a date. It stays `waiting` until they book that session,
    leave the list, are removed by the desk, or the date has passed."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'booked', 'left', 'removed', 'expired')",
            name="waitlist_status_known",
        ),
        CheckConstraint("channel IN ('email', 'sms', 'phone')", name="waitlist_channel_known"),
        Index("ix_waitlist_entries_status", "status", "created_at"),
        Index("ix_waitlist_entries_client", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    # None: anyone free.
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    # Comma-separated keys as BestTimes stores them ("mon,thu", "morning"); None means any.
    days: Mapped[str | None] = mapped_column(String(30))
    parts: Mapped[str | None] = mapped_column(String(30))
    until_date: Mapped[date]  # the last local day a time may be on
    channel: Mapped[str] = mapped_column(String(10))  # how offers reach them
    status: Mapped[str] = mapped_column(String(10), default="waiting")
    # The private link to their place on the list: looked up by its hash, and kept sealed
    # with the field key so each offer can carry it (as a booking keeps its manage link).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_sealed: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at()
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    ended_at: Mapped[datetime | None]

    client: Mapped[Client] = relationship()
    service: Mapped[Service] = relationship()
    practitioner: Mapped[Practitioner | None] = relationship()

    def __repr__(self) -> str:
        return f"<WaitlistEntry {self.id} {self.status}>"


class WaitlistOffer(db.Model):
    """A free time offered to one waiting client, with its own link to take it. At most one
    offer of a time per entry; `open` until taken, gone (someone else took it, or it is no
    longer free), or expired."""

    __tablename__ = "waitlist_offers"
    __table_args__ = (
        UniqueConstraint("entry_id", "practitioner_id", "start_utc", name="one_offer_per_time"),
        CheckConstraint(
            "status IN ('open', 'taken', 'gone', 'expired', 'withdrawn')",
            name="offer_status_known",
        ),
        Index("ix_waitlist_offers_open", "status", "expires_at"),
        Index("ix_waitlist_offers_time", "practitioner_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"))
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id", ondelete="CASCADE"))
    start_utc: Mapped[datetime]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))

    entry: Mapped[WaitlistEntry] = relationship()
    practitioner: Mapped[Practitioner] = relationship()

    def __repr__(self) -> str:
        return f"<WaitlistOffer {self.id} {self.status}>"
