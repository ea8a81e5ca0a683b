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
