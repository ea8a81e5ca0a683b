"""The reception desk's rules: cancel reasons, attendance, stale forms, safe spreadsheet cells.

Pure functions: no Flask, no database; `now` is passed in.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta

from booking.domain.dates import local_instant  # noqa: F401  (also used from here)
from booking.domain.statuses import BookingStatus

# Why staff cancelled a session: a code in Booking.cancel_reason, with an optional short note
# in Booking.cancel_note.
STAFF_CANCEL_REASONS = {
    "unwell": "Unwell or in a flare",
    "client": "The client asked",
    "practice": "The practice had to cancel",
    "other": "Another reason",
}
# What clients choose on their own manage page (booking/services/booking/changes.py).
CLIENT_CANCEL_WORDS = {
    "not_well": "Not well enough (the client cancelled)",
    "something_came_up": "Something came up (the client cancelled)",
    "other": "Another reason",
    "prefer_not_to_say": "The client would rather not say",
    "postponed": "Postponed at the day-before check-in, not well enough",
}
# Cancelled because the client was unwell: never a no-show, never charged.
ILLNESS_REASONS = frozenset({"unwell", "not_well", "postponed"})
CANCEL_NOTE_LIMIT = 200

MAX_EXPORT_DAYS = 366


def cancel_note_value(note: str | None) -> str | None:
    """The note kept with a staff cancellation: trimmed and within its limit, or None."""
    note = (note or "").strip()[:CANCEL_NOTE_LIMIT]
    return note or None


def cancel_reason_words(code: str | None, note: str | None = None) -> str:
    """A cancellation's reason in plain words, with its note when there is one."""
    if not code:
        return ""
    words = STAFF_CANCEL_REASONS.get(code) or CLIENT_CANCEL_WORDS.get(code) or code
    return f"{words}: {note}" if note else words


def cancelled_for_illness(code: str | None) -> bool:
    """Whether a cancellation was because the client was unwell or in a flare."""
    return code in ILLNESS_REASONS


MARKABLE_STATUSES = frozenset(
    {
        BookingStatus.CONFIRMED,
        BookingStatus.HELD_FOR_REVIEW,
        BookingStatus.ATTENDED,
        BookingStatus.NO_SHOW,
    }
)


def attendance_problem(
    status: BookingStatus,
    cancel_reason: str | None,
    start_utc: datetime,
    now: datetime,
    *,
    attended: bool,
) -> str | None:
    """Why a session cannot be marked attended (or a no-show) now, or None if it can.

    A session cancelled because the client was unwell is never a no-show; a mark can be
    corrected (attended to no-show and back) once the session has started.
    """
    if status == BookingStatus.CANCELLED:
        if not attended and cancelled_for_illness(cancel_reason):
            return (
                "This session was cancelled because the client was unwell, "
                "so it is never counted as a no-show."
            )
        return "This session was cancelled, so there is nothing to mark."
    if status not in MARKABLE_STATUSES:
        return "This session cannot be marked."
    if start_utc > now:
        return "This session has not started yet. You can mark it once it has begun."
    return None


def booking_version(
    status: str, sequence: int, updated_at: datetime, start_utc: datetime, practitioner_id: int
) -> str:
    """A short fingerprint of a booking as a form saw it; any change makes a new one."""
    raw = "|".join(
        [
            str(status),
            str(sequence),
            updated_at.isoformat(),
            start_utc.isoformat(),
            str(practitioner_id),
        ]
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


# --- Exports ----------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# Days staff may ask about: anything outside is a typing slip (and would overflow date maths).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
FAR_AWAY = "Please check this date: it is very far away."


def within_reach(day: date | None) -> bool:
    """Whether a day typed by staff is one the desk can work with."""
    return day is not None and EARLIEST_DAY <= day <= LATEST_DAY


def export_range_problem(start: date, end: date) -> str | None:
    """Why a date range cannot be exported, or None. Both days are included."""
    if end < start:
        return "The last day is before the first day. Please swap them round."
    if (end - start) + timedelta(days=1) > timedelta(days=MAX_EXPORT_DAYS):
        return f"Please choose at most {MAX_EXPORT_DAYS} days at a time."
    return None


# --- Times typed by staff ---------------------------------------------------------------------

_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


def parse_clock(raw: str) -> time | None:
    """A time of day as people type it: 14:30, 9.15, 2:30pm, 10am; None if it is not one."""
    match = _CLOCK.match(raw or "")
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match[2] is None:
        return None  # "14" alone is too easy to misread
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
