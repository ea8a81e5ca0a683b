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


class IntakeStatus(StrEnum):
    """Whether the client has sent their answers."""

    DRAFT = "draft"  # being filled in, or changed since it was sent
    SUBMITTED = "submitted"


class ReviewState(StrEnum):
    """Whether the therapist needs to look at an intake before hands-on sessions."""

    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    RELEASED = "released"  # reviewed: sessions may go ahead
    CONTACTED = "contacted"  # the therapist is talking it through with the client


class ConsentKind(StrEnum):
    """Each consent is asked, recorded and withdrawn on its own."""

    TREATMENT = "treatment"
    HEALTH_DATA = "health_data"
    GP_CONTACT = "gp_contact"
    REMINDERS = "reminders"


class WaitlistStatus(StrEnum):
    """A place on the waiting list: waiting, or why it ended."""

    WAITING = "waiting"
    BOOKED = "booked"  # they booked the session they waited for, by any way
    LEFT = "left"  # they left by their link
    REMOVED = "removed"  # the desk took them off, when asked (audited)
    EXPIRED = "expired"  # their last day passed


class OfferStatus(StrEnum):
    """A free time offered from the waiting list."""

    OPEN = "open"
    TAKEN = "taken"
    GONE = "gone"  # someone else took it, or it is no longer free
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # their place ended first
