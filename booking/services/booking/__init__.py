"""Booking a session and changing it: each call is one transaction.

The parts: errors.py (what can go wrong), tokens.py (manage links), clients.py (who it is
for), making.py (book), changes.py (cancel, move, shorten). Callers use the names
below: `services.booking.book()`, `services.booking.cancel()` and so on.
"""

from booking.services.booking.changes import (
    CANCEL_REASONS,
    apply_cancel,
    apply_move,
    cancel,
    ensure_changeable,
    is_changeable,
    reschedule,
    shorten,
    shorter_services,
)
from booking.services.booking.clients import (
    ClientDetails,
)
from booking.services.booking.errors import (
    BookingError,
    FirstVisitFirst,
    NotChangeable,
    Overlaps,
    OverrideRefused,
    TimeNotOffered,
    TimeTaken,
    TooClose,
    UnknownClient,
    UnknownPractitioner,
    UnknownService,
)
from booking.services.booking.making import (
    BookingResult,
    StaffBooking,
    active_service,
    book,
    bookable_practitioners,
    first_visit_service,
    nearby_slots,
    paced_for,
)
from booking.services.booking.tokens import (
    find_by_token,
    new_manage_token,
    token_hash,
)

__all__ = [
    "CANCEL_REASONS",
    "BookingError",
    "BookingResult",
    "ClientDetails",
    "FirstVisitFirst",
    "NotChangeable",
    "Overlaps",
    "OverrideRefused",
    "StaffBooking",
    "TimeNotOffered",
    "TimeTaken",
    "TooClose",
    "UnknownClient",
    "UnknownPractitioner",
    "UnknownService",
    "active_service",
    "apply_cancel",
    "apply_move",
    "book",
    "bookable_practitioners",
    "cancel",
    "ensure_changeable",
    "find_by_token",
    "first_visit_service",
    "is_changeable",
    "nearby_slots",
    "new_manage_token",
    "paced_for",
    "reschedule",
    "shorten",
    "shorter_services",
    "token_hash",
]
