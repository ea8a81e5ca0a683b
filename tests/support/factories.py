"""Factory helpers: a valid object with sensible defaults, any field overridable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from booking.domain.statuses import ConsentKind
from booking.extensions import db
from booking.models import (
    Booking,
    Client,
    Consent,
    OutboxMessage,
    Practitioner,
    ScreeningQuestion,
    Service,
)
from booking.services.intake.screening import default_rows
from tests.support import DEFAULT_NOW

_numbers = count(1)


def _add(model: type[Any], defaults: dict[str, Any], overrides: dict[str, Any]) -> Any:
    """Add a row built from defaults with overrides applied, and flush so it has an id."""
    row = model(**(defaults | overrides))
    db.session.add(row)
    db.session.flush()
    return row


def make_practitioner(**overrides: Any) -> Practitioner:
    n = next(_numbers)
    defaults = {"name": f"Therapist {n}", "email": f"therapist{n}@example.test"}
    return _add(Practitioner, defaults, overrides)


def make_service(**overrides: Any) -> Service:
    n = next(_numbers)
    return _add(Service, {"slug": f"service-{n}", "name": f"Service {n}", "minutes": 60}, overrides)


def make_client(**overrides: Any) -> Client:
    n = next(_numbers)
    return _add(Client, {"name": f"Client {n}", "email": f"client{n}@example.test"}, overrides)


def make_booking(**overrides: Any) -> Booking:
    start = overrides.pop("start_utc", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    service = overrides.pop("service", None) or make_service()
    end = start + timedelta(minutes=service.minutes)
    defaults = {
        "client": overrides.pop("client", None) or make_client(),
        "practitioner": overrides.pop("practitioner", None) or make_practitioner(),
        "service": service,
        "start_utc": start,
        "end_utc": end,
        "blocked_from_utc": start - timedelta(minutes=service.buffer_before_minutes or 0),
        "blocked_until_utc": end + timedelta(minutes=service.buffer_after_minutes or 0),
    }
    return _add(Booking, defaults, overrides)


def make_consent(client_id: int, intake_id: int, **overrides: Any) -> Consent:
    """Consent to keeping health answers, in wording version 1, given at DEFAULT_NOW."""
    defaults = {
        "client_id": client_id,
        "intake_id": intake_id,
        "kind": ConsentKind.HEALTH_DATA,
        "wording_version": 1,
        "signed_name": "Ann Smith",
        "given_at": DEFAULT_NOW,
    }
    return _add(Consent, defaults, overrides)


def make_failed_message(
    booking_id: int | None, recipient: str = "ann@example.com", **overrides: Any
) -> OutboxMessage:
    """A client's confirmation the outbox gave up on after eight tries: the recipient refused."""
    defaults = {
        "dedupe_key": f"{booking_id}:client_confirmation:0:{recipient}",
        "kind": "client_confirmation",
        "booking_id": booking_id,
        "sequence": 0,
        "recipient": recipient,
        "subject": "Booked: Tuesday 1 December at 10am",
        "text_body": "",
        "html_body": "",
        "message_id": "<failed@booking>",
        "due_at": DEFAULT_NOW - timedelta(hours=3),
        "next_attempt_at": DEFAULT_NOW - timedelta(hours=3),
        "attempts": 8,
        "failed_at": DEFAULT_NOW - timedelta(hours=1),
        "last_error": "recipient refused (550)",
    }
    return _add(OutboxMessage, defaults, overrides)


def hour_booking_row(client_id: int, practitioner_id: int, service_id: int, start) -> Booking:
    """A one-hour booking with no buffers, from ids alone (for threads that share no objects)."""
    end = start + timedelta(hours=1)
    return Booking(
        client_id=client_id,
        practitioner_id=practitioner_id,
        service_id=service_id,
        start_utc=start,
        end_utc=end,
        blocked_from_utc=start,
        blocked_until_utc=end,
    )


# --- Opening hours, openings and closures ------------------------------------------------------


def make_weekly_hours(practitioner: Practitioner, **overrides: Any) -> Any:
    """A weekly window: Monday 09:00 to 17:00 local time, valid from 1 November 2026."""
    from datetime import date, time

    from booking.models import OpeningHours

    defaults = {
        "practitioner": practitioner,
        "weekday": 0,
        "start_local": time(9, 0),
        "end_local": time(17, 0),
        "valid_from": date(2026, 11, 1),
        "valid_to": None,
    }
    return _add(OpeningHours, defaults, overrides)


def open_weekdays(practitioner: Practitioner, start=None, end=None, weekdays=range(5)) -> None:
    """Weekly hours on each of `weekdays` (Monday to Friday unless told), 09:00 to 17:00."""
    from datetime import time

    for weekday in weekdays:
        make_weekly_hours(
            practitioner,
            weekday=weekday,
            start_local=start or time(9, 0),
            end_local=end or time(17, 0),
        )


def make_opening(practitioner: Practitioner, start_utc: datetime, end_utc: datetime) -> Any:
    """A one-off extra opening for one practitioner."""
    from booking.models import Opening

    return _add(
        Opening, {"practitioner": practitioner}, {"start_utc": start_utc, "end_utc": end_utc}
    )


def make_closure(start_utc: datetime, end_utc: datetime, **overrides: Any) -> Any:
    """Time off: the whole practice's unless a practitioner is given."""
    from booking.models import Closure

    defaults = {"practitioner": None, "start_utc": start_utc, "end_utc": end_utc, "reason": ""}
    return _add(Closure, defaults, overrides)


def make_screening_list() -> list[ScreeningQuestion]:
    """The default screening list (migration 0004 inserts it; tests empty every table)."""
    rows = default_rows()
    db.session.add_all(rows)
    db.session.flush()
    return rows
