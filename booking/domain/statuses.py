"""The life of a booking, as words every layer shares."""

from enum import StrEnum


class BookingStatus(StrEnum):
    """Where a booking stands."""

    HELD_FOR_REVIEW = "held_for_review"  # the therapist looks at the intake before it is confirmed
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Statuses whose time is taken: no other booking for the practitioner may overlap them.
# Everything but a cancellation (the database constraints say the same: status <> 'cancelled').
ACTIVE_STATUSES = frozenset(set(BookingStatus) - {BookingStatus.CANCELLED})


class StaffRole(StrEnum):
    """What a staff member may do in the dashboard."""

    ADMIN = "admin"
    THERAPIST = "therapist"
    RECEPTION = "reception"
