"""When practitioners can be booked: weekly hours, one-off openings and closures."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.extensions import db
from booking.models._columns import created_at
from booking.models.practice import Practitioner


class OpeningHours(db.Model):
    """A weekly window, in the practitioner's local time, valid for a range of dates."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_local < end_local", name="starts_before_end"),
        CheckConstraint("valid_to IS NULL OR valid_from <= valid_to", name="valid_range"),
        Index("ix_opening_hours_practitioner_weekday", "practitioner_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # Monday is 0, as in date.weekday()
    start_local: Mapped[time]
    end_local: Mapped[time]
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]  # inclusive; None means until changed
    created_at: Mapped[datetime] = created_at()

    practitioner: Mapped[Practitioner] = relationship()


class Opening(db.Model):
    """A one-off extra opening for one practitioner."""

    __tablename__ = "openings"
    __table_args__ = (
        CheckConstraint("start_utc < end_utc", name="starts_before_end"),
        Index("ix_openings_practitioner_start", "practitioner_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioners.id", ondelete="CASCADE"))
    start_utc: Mapped[datetime]
    end_utc: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = created_at()

    practitioner: Mapped[Practitioner] = relationship()


class Closure(db.Model):
    """Time off: one practitioner's, or the whole practice's when practitioner is empty."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("start_utc < end_utc", name="starts_before_end"),
        Index("ix_closures_start", "start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="CASCADE")
    )
    start_utc: Mapped[datetime]
    end_utc: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = created_at()

    practitioner: Mapped[Practitioner | None] = relationship()
