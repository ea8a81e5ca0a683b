"""Factory helpers: a valid object with sensible defaults, any field overridable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from booking.extensions import db
from booking.models import Booking, Client, Practitioner, Service

_numbers = count(1)


def make_practitioner(**overrides: Any) -> Practitioner:
    n = next(_numbers)
    fields = {"name": f"Therapist {n}", "email": f"therapist{n}@example.test"} | overrides
    practitioner = Practitioner(**fields)
    db.session.add(practitioner)
    db.session.flush()
    return practitioner


def make_service(**overrides: Any) -> Service:
    n = next(_numbers)
    fields = {"slug": f"service-{n}", "name": f"Service {n}", "minutes": 60} | overrides
    service = Service(**fields)
    db.session.add(service)
    db.session.flush()
    return service


def make_client(**overrides: Any) -> Client:
    n = next(_numbers)
    fields = {"name": f"Client {n}", "email": f"client{n}@example.test"} | overrides
    client = Client(**fields)
    db.session.add(client)
    db.session.flush()
    return client


def make_booking(**overrides: Any) -> Booking:
    start = overrides.pop("start_utc", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    service = overrides.pop("service", None) or make_service()
    end = start + timedelta(minutes=service.minutes)
    fields = {
        "client": overrides.pop("client", None) or make_client(),
        "practitioner": overrides.pop("practitioner", None) or make_practitioner(),
        "service": service,
        "start_utc": start,
        "end_utc": end,
        "blocked_from_utc": start - timedelta(minutes=service.buffer_before_minutes or 0),
        "blocked_until_utc": end + timedelta(minutes=service.buffer_after_minutes or 0),
    } | overrides
    booking = Booking(**fields)
    db.session.add(booking)
    db.session.flush()
    return booking
