"""Column helpers shared by the models."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum
from sqlalchemy.orm import Mapped, mapped_column

from booking.database import utc_now


def created_at() -> Mapped[datetime]:
    """A creation timestamp, set by the app (a callable, so each row gets its own time)."""
    return mapped_column(default=utc_now)


def updated_at() -> Mapped[datetime]:
    """A last-changed timestamp, refreshed on every update."""
    return mapped_column(default=utc_now, onupdate=utc_now)


def string_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, storing the member values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )
