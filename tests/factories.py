"""Factory helpers: a valid object with sensible defaults, any field overridable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from booking.extensions import db
from booking.models import Booking, Client, Practitioner, Service

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
