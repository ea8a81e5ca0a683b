"""Private manage links: a random token for the client.

A link is looked up by the token's hash. The token itself is also kept, encrypted with the
field key (like health answers), so a message about a change staff made can still carry the
client's link; without the key the stored values give no way in.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.encryption import EncryptionKeyError, cipher
from booking.extensions import db
from booking.models import Booking


def new_manage_token() -> str:
    """A long random token for a private manage link."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def give_token(booking: Booking, token: str) -> None:
    """Make `token` the booking's manage link (its hash to find it, and the token sealed)."""
    booking.manage_token_hash = token_hash(token)
    booking.manage_token_sealed = cipher().encrypt(token)


def stored_token(booking: Booking) -> str | None:
    """The booking's manage token, when it is on file and the key still opens it."""
    if not booking.manage_token_sealed:
        return None
    try:
        token = cipher().decrypt(booking.manage_token_sealed)
    except EncryptionKeyError:
        return None
    # A token that no longer matches (replaced by hand) is not the booking's link.
    return token if token_hash(token) == booking.manage_token_hash else None


def manage_link_token(booking: Booking) -> str:
    """The booking's manage token for a message, issuing a new one (inside the caller's
    transaction) for a booking made before tokens were kept, whose old link then stops."""
    token = stored_token(booking)
    if token is None:
        token = new_manage_token()
        give_token(booking, token)
    return token


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
