"""The desk's to-do list: the items someone has marked done (the list itself is worked out)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from booking.extensions import db


class TodoDone(db.Model):
    """One to-do item marked done. `key` names the item and its version (e.g.
    "held:12:3": booking 12 at SEQUENCE 3), so the same need arising again is a new item."""

    __tablename__ = "todo_done"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    done_at: Mapped[datetime]
    done_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<TodoDone {self.key}>"
