"""Who may read a client's session records and timeline: admin, and the therapists who have
seen (or will see) that client, by a booking that was not cancelled. Reception never: their
routes do not reach here at all."""

from __future__ import annotations

from sqlalchemy import exists, select

from booking.domain.statuses import BookingStatus, StaffRole
from booking.extensions import db
from booking.models import Booking, StaffUser


def may_read_sessions(user: StaffUser, client_id: int) -> bool:
    """Whether this staff member may read the client's session records: one query."""
    if user.role == StaffRole.ADMIN:
        return True
    if user.role != StaffRole.THERAPIST or user.practitioner_id is None:
        return False
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Booking.client_id == client_id,
                    Booking.practitioner_id == user.practitioner_id,
                    Booking.status != BookingStatus.CANCELLED,
                )
            )
        )
    )
