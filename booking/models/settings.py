"""Practice settings admin can change in the dashboard (each falls back to config.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db
from booking.models._columns import updated_at


class PracticeSetting(db.Model):
    """One named setting, stored as text; services/practice/settings.py reads and checks it."""

    __tablename__ = "practice_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = updated_at()
