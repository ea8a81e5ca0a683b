"""The booking rules' refusals in words for staff (the service's own words speak to clients)."""

from __future__ import annotations

from booking.clock import practice_zone
from booking.domain.dates import moment_in_words
from booking.services import booking as bookings


def problem_words(problem: bookings.BookingError) -> str:
    """What to tell the member of staff, in plain words."""
    zone = practice_zone()
    if isinstance(problem, bookings.Overlaps | bookings.OverrideRefused):
        return problem.message
    if isinstance(problem, bookings.TimeTaken):
        return "Someone has just booked that time. Please choose another."
    if isinstance(problem, bookings.TimeNotOffered):
        return (
            "That time is not one of the free times. Choose a free time, or tick "
            "“Book outside opening hours” and give a reason."
        )
    if isinstance(problem, bookings.FirstVisitFirst):
        first = problem.first_visit_service
        name = f" ({first.name})" if first is not None else ""
        return (
            f"This is a new client, so their first session is the first-visit one{name}. "
            "Please choose that session."
        )
    if isinstance(problem, bookings.TooClose):
        days = problem.clash.gap.days  # the gap in force (admin may change it)
        other = moment_in_words(problem.clash.other_start, zone)
        earliest = moment_in_words(problem.clash.earliest_after, zone)
        return (
            f"In their first month, sessions are at least {days} days apart, and they have "
            f"one on {other}. The earliest after it is {earliest}."
        )
    return problem.message
