"""People who book sessions."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, Index, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from booking.domain.best_times import BestTimes
from booking.extensions import db
from booking.models._columns import created_at, updated_at


class Client(db.Model):
    """A client, reachable by email or phone, their own or their carer's."""

    __tablename__ = "clients"
    __table_args__ = (
        # Reachable directly, or through the carer who books for them; an erased client's
        # tombstone need not be.
        CheckConstraint(
            "erased_at IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL "
            "OR carer_email IS NOT NULL OR carer_phone IS NOT NULL",
            name="reachable",
        ),
        CheckConstraint(
            "contact_channel IN ('email', 'phone', 'sms')", name="contact_channel_known"
        ),
        Index("ix_clients_email", "email"),
        Index("ix_clients_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    preferred_name: Mapped[str | None] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    contact_channel: Mapped[str] = mapped_column(String(10), default="email")
    # No messages inside these local times (e.g. 20:00 to 10:00); both empty means any time.
    quiet_from_local: Mapped[time | None]
    quiet_until_local: Mapped[time | None]
    carer_name: Mapped[str | None] = mapped_column(String(120))
    carer_relationship: Mapped[str | None] = mapped_column(String(60))
    carer_email: Mapped[str | None] = mapped_column(String(254))
    carer_phone: Mapped[str | None] = mapped_column(String(32))
    send_to_carer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    # "No reminders, thank you": no reminder, nudge, check-in or follow-up; confirmations and
    # changes to a booking still go. Last, as migration 0008 added it.
    wants_reminders: Mapped[bool] = mapped_column(server_default=true())
    # When their worsening usually starts after exertion (the questionnaire's answer, e.g.
    # "next_day"): it times the follow-up. Last, as migration 0009 added it.
    worsening_starts: Mapped[str | None] = mapped_column(String(20))
    # The days and parts of the day that usually suit them ("mon,thu", "morning"), from the
    # questionnaire: their times are shown first. Last, as migration 0012 added them.
    best_days: Mapped[str | None] = mapped_column(String(30))
    best_parts: Mapped[str | None] = mapped_column(String(30))
    # How reminders reach them, as chosen in the questionnaire ("email,sms,phone"); None
    # until they choose (then email if we have an address, else a phone call). With
    # `carer_copies` their carer gets a copy of every message as well. Last, as migration
    # 0013 added them.
    reminder_channels: Mapped[str | None] = mapped_column(String(30))
    carer_copies: Mapped[bool] = mapped_column(server_default=false())
    # Set when the client's personal details were erased (migration 0019): the row stays as a
    # tombstone so their bookings stay in the diary and the counts, anonymous.
    erased_at: Mapped[datetime | None]

    @property
    def quiet_hours(self) -> tuple[time | None, time | None]:
        """(from, until) in local time: no messages between them; both None means any time."""
        return self.quiet_from_local, self.quiet_until_local

    @property
    def reminders_wanted(self) -> bool:
        """Whether reminders go: yes unless the client said no (a row not yet stored reads None,
        the database's default of yes)."""
        return self.wants_reminders is not False

    @property
    def best_times(self) -> BestTimes:
        """When sessions usually suit them; empty when they did not say."""
        return BestTimes.from_stored(self.best_days, self.best_parts)

    @best_times.setter
    def best_times(self, best: BestTimes) -> None:
        self.best_days, self.best_parts = best.stored()

    @property
    def display_name(self) -> str:
        """The name the client asked to be called by."""
        return self.preferred_name or self.name

    def __repr__(self) -> str:
        return f"<Client {self.id}>"
