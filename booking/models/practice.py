"""The practice's people and what they offer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import created_at


class Practitioner(db.Model):
    """A therapist whose time can be booked."""

    __tablename__ = "practitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    bio: Mapped[str] = mapped_column(Text, default="")
    # Only a hash of the private calendar feed token is kept; None means no feed.
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()

    def __repr__(self) -> str:
        return f"<Practitioner {self.id} {self.name!r}>"


class Service(db.Model):
    """Something a client can book, with its length and rest buffers."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint(
            "hands_on_minutes IS NULL OR (hands_on_minutes > 0 AND hands_on_minutes <= minutes)",
            name="hands_on_within_booking",
        ),
        CheckConstraint(
            "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0", name="buffers_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # The booked length; hands-on time may be shorter (arriving, settling, sitting up slowly).
    minutes: Mapped[int]
    hands_on_minutes: Mapped[int | None]
    buffer_before_minutes: Mapped[int] = mapped_column(default=10)
    buffer_after_minutes: Mapped[int] = mapped_column(default=15)
    first_visit: Mapped[bool] = mapped_column(default=False)
    home_visit: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at()

    def __repr__(self) -> str:
        return f"<Service {self.slug}>"
