"""What can go wrong when booking or changing a session, in words the views put next to a field."""

from __future__ import annotations

from collections.abc import Sequence

from booking.domain import availability as domain
from booking.domain.booking_rules import PacingClash
from booking.models import Service


class BookingError(Exception):
    """A booking rule said no. `field` names the input it is about."""

    field = "start"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownService(BookingError):
    """No active service has that slug."""

    field = "service"


class UnknownPractitioner(BookingError):
    """No active practitioner has that id."""

    field = "practitioner"


class TimeNotOffered(BookingError):
    """The time is not one we offer (closed, too soon, or taken); nearby free times attached."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.alternatives: Sequence[domain.Slot] = ()


class OverrideRefused(TimeNotOffered):
    """Even staff's outside-hours override cannot book this time (passed, or closed)."""


class TimeTaken(TimeNotOffered):
    """Someone booked that time first."""


class Overlaps(TimeTaken):
    """Staff booked outside the offered times, and the database refused an overlap."""

    def __init__(self) -> None:
        super().__init__(
            "That time overlaps another booking, or the rest time around it. "
            "Nothing has been booked. Please choose another time."
        )


class UnknownClient(BookingError):
    """No client has that id (a client chosen by staff)."""

    field = "client"


class FirstVisitFirst(BookingError):
    """A new client asked for something other than the first-visit service."""

    field = "service"

    def __init__(self, message: str, first_visit_service: Service | None) -> None:
        super().__init__(message)
        self.first_visit_service = first_visit_service


class TooClose(BookingError):
    """The time is closer to another of the client's sessions than the pacing rule allows."""

    def __init__(self, message: str, clash: PacingClash) -> None:
        super().__init__(message)
        self.clash = clash


class NotChangeable(BookingError):
    """The session has started, ended or was cancelled, so it cannot be changed online."""
