"""Private manage links: a random token for the client, and only its hash in the database."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.extensions import db
from booking.models import Booking


def new_manage_token() -> str:
    """A long random token for a private manage link."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def booking_by_token(token: str, *, lock: bool = False, details: bool = False) -> Booking | None:
    """The booking whose manage token this is, or None; one lookup for every caller."""
    if not token or len(token) > 200:
        return None
    query = select(Booking).where(Booking.manage_token_hash == token_hash(token))
    if details:
        query = query.options(
            joinedload(Booking.client),
            joinedload(Booking.practitioner),
            joinedload(Booking.service),
        )
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def find_by_token(token: str) -> Booking | None:
    """The booking a manage link points to, with what its pages show, or None."""
    return booking_by_token(token, details=True)
