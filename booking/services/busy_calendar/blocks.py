"""Asking whether a time collides with a practitioner's own calendar (for the desk's override,
which books outside what availability offers and so must be told)."""

from __future__ import annotations

from sqlalchemy import exists, select

from booking.domain.availability import Span
from booking.extensions import db
from booking.models import BusyBlock


def collides_with_busy(practitioner_id: int, span: Span) -> bool:
    """Whether any busy block of the practitioner's own calendar overlaps `span`: one query."""
    query = select(
        exists().where(
            BusyBlock.practitioner_id == practitioner_id,
            BusyBlock.start_utc < span.end,
            BusyBlock.end_utc > span.start,
        )
    )
    return bool(db.session.scalar(query))
