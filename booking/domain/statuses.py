"""The life of a booking, as words every layer shares."""

from enum import StrEnum


class BookingStatus(StrEnum):
    """Where a booking stands."""

    HELD_FOR_REVIEW = "held_for_review"  # the therapist looks at the intake before it is confirmed
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class StaffRole(StrEnum):
    """What a staff member may do in the dashboard."""

    ADMIN = "admin"
    THERAPIST = "therapist"
    RECEPTION = "reception"
