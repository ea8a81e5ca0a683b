"""The plain words staff read for stored values: statuses, flags, groups, choices."""

from __future__ import annotations

from booking.domain.intake import CONTACT_CHANNELS, PARTS_OF_DAY, Flag, ScreeningGroup
from booking.domain.intake_rules import FirstSession
from booking.domain.messages import LASTED_ANSWERS
from booking.domain.statuses import BookingStatus, ReviewState
from booking.services.schedule.upcoming import INTAKE_PROGRESS_WORDS

BOOKING_STATUS_WORDS = {
    BookingStatus.HELD_FOR_REVIEW: "Held until the therapist has reviewed the answers",
    BookingStatus.CONFIRMED: "Confirmed",
    BookingStatus.CANCELLED: "Cancelled",
    BookingStatus.ATTENDED: "Attended",
    BookingStatus.NO_SHOW: "Did not come",
}
GROUP_WORDS = {
    ScreeningGroup.NOW: "Going on now",
    ScreeningGroup.HISTORY: "Health history",
    ScreeningGroup.LOCAL: "In one place on the body",
}
REVIEW_WORDS = {
    ReviewState.NOT_NEEDED: "No review needed",
    ReviewState.PENDING: "Waiting for the therapist's review",
    ReviewState.CONTACTED: "Talking it through with the client",
    ReviewState.RELEASED: "Reviewed: sessions may go ahead",
}
FLAG_WORDS = {
    Flag.STOP: "Stop",
    Flag.REVIEW: "Review",
    Flag.ADAPT: "Adapt",
    Flag.INFO: "Good to know",
}
FIRST_SESSION_WORDS = {
    FirstSession.CLINIC: "A short, gentle first session at the practice",
    FirstSession.HOME_VISIT: "A short home visit, with very short hands-on contact",
    FirstSession.CALL_FIRST: "Phone first: no hands-on session booked by the client",
}
CHANNEL_WORDS = dict(CONTACT_CHANNELS)


def words() -> dict[str, object]:
    """The plain words every dashboard template may use (a context processor)."""
    return {
        "status_words": BOOKING_STATUS_WORDS,
        "intake_words": INTAKE_PROGRESS_WORDS,
        "review_words": REVIEW_WORDS,
        "flag_words": FLAG_WORDS,
        "first_session_words": FIRST_SESSION_WORDS,
        "group_words": GROUP_WORDS,
        "channel_words": CHANNEL_WORDS,
        "best_time_words": dict(PARTS_OF_DAY),
        "lasted_words": LASTED_ANSWERS,
    }
