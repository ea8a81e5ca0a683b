"""Staff accounts for the dashboard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models._columns import created_at, string_enum
from booking.models.practice import Practitioner


class StaffUser(db.Model):
    """A member of staff who signs in: admin, therapist or reception."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(
        string_enum(StaffRole, "staff_role"),
    )
    # A therapist's own diary; empty for admin and reception.
    practitioner_id: Mapped[int | None] = mapped_column(
        ForeignKey("practitioners.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()
    last_login_at: Mapped[datetime | None]
    # Two-factor sign-in (auth/second_factor.py): the TOTP secret, encrypted with the field
    # cipher; set before it is confirmed, so the set-up page shows the same code each time.
    second_factor_secret: Mapped[str | None] = mapped_column(Text)
    second_factor_confirmed_at: Mapped[datetime | None]
    # The last 30-second time-step whose code was accepted: a code is never accepted twice.
    second_factor_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # sha256 of each unused one-time recovery code, as a JSON list.
    recovery_code_hashes: Mapped[str | None] = mapped_column(Text)

    practitioner: Mapped[Practitioner | None] = relationship()

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(db.Model):
    """A signed-in browser, kept on the server so signing out (or timing out) really ends it.

    The session cookie holds a random token; only its sha256 is stored here.
    """

    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_user", "staff_user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))  # signed_out, idle, expired …
