"""Finding a client by name, email or phone number (in any common UK form): two queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from booking.domain.contact import ContactError, normalise_phone
from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client

SHOWN = 25
QUERY_LIMIT = 100
MIN_PHONE_DIGITS = 5
_PHONE_LIKE = re.compile(r"^[\d\s()+.\-]+$")


@dataclass(frozen=True)
class ClientMatch:
    """A client found, with their next session (if any)."""

    client: Client
    next_start: datetime | None


@dataclass(frozen=True)
class SearchResult:
    """The matches shown, and whether there were more than that."""

    matches: list[ClientMatch]
    more: bool


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phone_digits(query: str) -> str | None:
    """The digits to look for when the query looks like (part of) a phone number.

    A full number in any form (07700 900123, +44 7700 900123, 0044...) becomes its stored
    form's national digits; a part of one is matched as typed, without a leading 0.
    """
    if not _PHONE_LIKE.match(query):
        return None
    digits = re.sub(r"\D", "", query)
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    try:
        full = normalise_phone(query)
    except ContactError:
        return digits.lstrip("0") or None
    return full.removeprefix("+44") if full.startswith("+44") else full.lstrip("+")


def conditions_for(query: str) -> list:
    """The SQL conditions that match a query by name, email or phone."""
    pattern = f"%{_escaped(query.lower())}%"
    conditions = [
        Client.name.ilike(pattern, escape="\\"),
        Client.preferred_name.ilike(pattern, escape="\\"),
        Client.carer_name.ilike(pattern, escape="\\"),
        Client.email.ilike(pattern, escape="\\"),
        Client.carer_email.ilike(pattern, escape="\\"),
    ]
    digits = _phone_digits(query)
    if digits:
        conditions += [Client.phone.contains(digits), Client.carer_phone.contains(digits)]
    return conditions


def search_clients(query: str, now: datetime) -> SearchResult:
    """Clients whose name, email or phone matches, by name; each with their next session."""
    query = query.strip()
    if not query:
        return SearchResult([], False)
    clients = list(
        db.session.scalars(
            select(Client)
            .where(or_(*conditions_for(query[:QUERY_LIMIT])))
            .order_by(Client.name, Client.id)
            .limit(SHOWN + 1)
        )
    )
    more = len(clients) > SHOWN
    clients = clients[:SHOWN]
    next_start: dict[int, datetime] = {}
    if clients:
        rows = db.session.execute(
            select(Booking.client_id, Booking.start_utc)
            .where(
                Booking.client_id.in_([client.id for client in clients]),
                Booking.start_utc > now,
                Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.HELD_FOR_REVIEW]),
            )
            .order_by(Booking.client_id, Booking.start_utc)
        )
        for client_id, start in rows:
            next_start.setdefault(client_id, start)
    return SearchResult([ClientMatch(c, next_start.get(c.id)) for c in clients], more)
