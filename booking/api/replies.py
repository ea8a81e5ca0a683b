"""The objects the reply schemas read: a booking with its link, slots with their therapist."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from booking.domain.availability import Slot
from booking.models import Booking, Practitioner
from booking.web import public_url


@dataclass(frozen=True)
class BookingReply:
    """A booking and the manage token that names it (only its hash is stored)."""

    booking: Booking
    token: str

    @property
    def manage_url(self) -> str:
        """The client's private page for this booking."""
        return public_url("manage.show", token=self.token)

    @property
    def ics_url(self) -> str:
        """The booking as a calendar file."""
        return public_url("manage.calendar", token=self.token)

    @property
    def api_url(self) -> str:
        """This booking in the API, for the Location header."""
        return public_url("api.show_booking", token=self.token)


@dataclass(frozen=True)
class SlotReply:
    """A free start time and the first therapist free for it."""

    start: datetime
    end: datetime
    practitioner: Practitioner


def named_slots(slots: Iterable[Slot], practitioners: Sequence[Practitioner]) -> list[SlotReply]:
    """Slots with the first free therapist of each; slots of therapists not listed are left out."""
    by_id = {practitioner.id: practitioner for practitioner in practitioners}
    replies = []
    for slot in slots:
        first = next((by_id[i] for i in slot.practitioner_ids if i in by_id), None)
        if first is not None:
            replies.append(SlotReply(slot.start, slot.end, first))
    return replies
