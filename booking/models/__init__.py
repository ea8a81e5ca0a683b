"""Database models. Importing this package registers every table on the metadata."""

from booking.models.audit import AuditEvent
from booking.models.availability import Closure, Opening, OpeningHours
from booking.models.bookings import Booking
from booking.models.busy import BusyBlock, BusyCalendar
from booking.models.changes import AvailabilityVersion
from booking.models.clients import Client
from booking.models.intake import CallRequest, Consent, Intake, ScreeningQuestion
from booking.models.notes import SessionAdjustment, SessionNote
from booking.models.outbox import OutboxMessage, WorkerHeartbeat
from booking.models.practice import Practitioner, Service
from booking.models.settings import PracticeSetting
from booking.models.staff import StaffSession, StaffUser
from booking.models.todo import TodoDone
from booking.models.waitlist import WaitlistEntry, WaitlistOffer

__all__ = [
    "AuditEvent",
    "AvailabilityVersion",
    "Booking",
    "BusyBlock",
    "BusyCalendar",
    "CallRequest",
    "Client",
    "Closure",
    "Consent",
    "Intake",
    "Opening",
    "OpeningHours",
    "OutboxMessage",
    "PracticeSetting",
    "Practitioner",
    "ScreeningQuestion",
    "Service",
    "SessionAdjustment",
    "SessionNote",
    "StaffSession",
    "StaffUser",
    "TodoDone",
    "WaitlistEntry",
    "WaitlistOffer",
    "WorkerHeartbeat",
]
