"""Who is signed in: checking a password, and the staff member as Flask-Login sees them."""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import StaffUser
from booking.passwords import hash_password, password_matches
from booking.services.staff import find_staff
from booking.transactions import write_transaction

# Clinical answers (health, medication, flags' reasons) are for these roles only.
CLINICAL_ROLES = frozenset({StaffRole.THERAPIST, StaffRole.ADMIN})


@dataclass(frozen=True)
class SignedInStaff:
    """A signed-in staff member: a snapshot of the account, never the database row itself.

    Only active accounts are ever loaded (see `load_signed_in`), so `is_active` is always
    true here; a switched-off account simply stops loading and its session ends.
    """

    id: int
    email: str
    role: StaffRole
    practitioner_id: int | None
    session_key: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and a fingerprint of the password."""
        return self.session_key

    @property
    def sees_clinical(self) -> bool:
        """True for the therapist and admin, who may read health answers."""
        return self.role in CLINICAL_ROLES


def _fingerprint(password_hash: str) -> str:
    # A session stays valid only while the password it was opened with is unchanged, so
    # changing a password signs out every other browser. (The hash is salted; a prefix of
    # its digest says nothing about the password.)
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def signed_in_as(user: StaffUser) -> SignedInStaff:
    """The Flask-Login view of a loaded staff account."""
    return SignedInStaff(
        id=user.id,
        email=user.email,
        role=user.role,
        practitioner_id=user.practitioner_id,
        session_key=f"{user.id}.{_fingerprint(user.password_hash)}",
    )


def load_signed_in(session_key: str) -> SignedInStaff | None:
    """Flask-Login's user loader: the active account behind a session, or None."""
    raw_id, _, fingerprint = session_key.partition(".")
    if not raw_id.isdigit() or len(raw_id) > 12:
        return None
    user = db.session.get(StaffUser, int(raw_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(fingerprint, _fingerprint(user.password_hash)):
        return None
    return signed_in_as(user)


@functools.cache
def _stand_in_hash() -> str:
    # Made on first use with the hasher's current settings, so checking against it takes as
    # long as checking a real account's password.
    return hash_password("no account has this password")


def sign_in(email: str, password: str, now: datetime) -> SignedInStaff | None:
    """The active account these details open, with the sign-in time recorded; else None.

    An unknown email costs the same password check as a known one, so the time taken does
    not tell anyone which emails have accounts.
    """
    user = find_staff(email)
    if user is None:
        password_matches(_stand_in_hash(), password)
        return None
    if not password_matches(user.password_hash, password) or not user.active:
        return None
    with write_transaction():
        user.last_login_at = now
        return signed_in_as(user)
