"""Who is signed in: checking a password, and the staff member as Flask-Login sees them.

A sign-in opens a server-side session (booking/services/staff/sessions.py). What Flask-Login
keeps in the browser's session is "id.fingerprint.token": the account, a fingerprint of its
password hash, and the session's token. Each request loads the account and its session
together; the browser stays signed in only while the session is open, the account is active
and its password unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import select

from booking.clock import now_utc
from booking.domain.second_factor import needs_second_factor
from booking.domain.staff_sessions import SessionEnd, SessionLimits
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import StaffUser
from booking.passwords import hash_password, password_matches
from booking.services.staff import sessions as staff_sessions
from booking.services.staff.accounts import find_staff
from booking.transactions import write_transaction
from booking.web import row_id

# Clinical answers (health, medication, flags' reasons) are for these roles only; each signs
# in with a second factor (domain/second_factor.py SECOND_FACTOR_ROLES, kept in step by a test).
CLINICAL_ROLES = frozenset({StaffRole.THERAPIST, StaffRole.ADMIN})

_ENDED = "staff_session_ended"  # on flask.g: why this request's session just ended


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
        """What Flask-Login keeps in the session: id, password fingerprint, session token."""
        return self.session_key

    @property
    def session_token(self) -> str:
        """The token of this browser's server-side session."""
        return self.session_key.rsplit(".", 1)[1]

    @property
    def sees_clinical(self) -> bool:
        """True for the therapist and admin, who may read health answers."""
        return self.role in CLINICAL_ROLES


def _fingerprint(password_hash: str) -> str:
    # A session stays valid only while the password it was opened with is unchanged, so
    # changing a password signs out every other browser even if it bypassed the service.
    # (The hash is salted; a prefix of its digest says nothing about the password.)
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def signed_in_as(user: StaffUser, token: str) -> SignedInStaff:
    """The Flask-Login view of a loaded staff account and its session token."""
    return SignedInStaff(
        id=user.id,
        email=user.email,
        role=user.role,
        practitioner_id=user.practitioner_id,
        session_key=f"{user.id}.{_fingerprint(user.password_hash)}.{token}",
    )


def session_limits() -> SessionLimits:
    """The idle timeout and absolute lifetime from the config."""
    config = current_app.config
    return SessionLimits(
        idle=timedelta(minutes=config["STAFF_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config["STAFF_SESSION_HOURS"]),
    )


def load_signed_in(session_key: str) -> SignedInStaff | None:
    """Flask-Login's user loader: the active account behind an open session, or None.

    A session that has just timed out is ended here, and the reason kept for the sign-in
    page's message (see `ended_session`).
    """
    parts = session_key.split(".")
    if len(parts) != 3:  # e.g. a cookie from before server-side sessions
        return None
    raw_id, fingerprint, token = parts
    if row_id(raw_id) is None:
        return None
    found = staff_sessions.session_with_account(int(raw_id), token)
    if found is None:
        return None
    user, session = found
    if not user.active or not hmac.compare_digest(fingerprint, _fingerprint(user.password_hash)):
        return None
    if not _second_factor_kept(user):
        # A clinical role is never signed in without its second factor: not after a reset,
        # nor after a change of role, nor in a session opened before two-factor sign-in.
        return None
    identity = signed_in_as(user, token)  # read before any write expires the loaded rows
    ended = staff_sessions.keep_alive(session, now_utc(), session_limits())
    if ended is not None:
        g.setdefault(_ENDED, ended)
        return None
    return identity


def ended_session() -> SessionEnd | None:
    """Why this request's session ended by itself (idle or expired), if it just did."""
    return g.get(_ENDED)


@functools.cache
def _stand_in_hash() -> str:
    # Made on first use with the hasher's current settings, so checking against it takes as
    # long as checking a real account's password.
    return hash_password("no account has this password")


@dataclass(frozen=True)
class PasswordMatched:
    """An active account whose password was just typed right; not signed in yet.

    `fingerprint` ties what comes next to this password: a new password set meanwhile
    stops the sign-in from finishing.
    """

    id: int
    fingerprint: str
    needs_second_factor: bool
    second_factor_ready: bool


def match_password(email: str, password: str) -> PasswordMatched | None:
    """The active account these details open, else None.

    An unknown email costs the same password check as a known one, so the time taken does
    not tell anyone which emails have accounts.
    """
    user = find_staff(email)
    if user is None:
        password_matches(_stand_in_hash(), password)
        return None
    checked_hash = user.password_hash
    matched = PasswordMatched(
        id=user.id,
        fingerprint=_fingerprint(checked_hash),
        needs_second_factor=needs_second_factor(user.role),
        second_factor_ready=user.second_factor_confirmed_at is not None,
    )
    if not password_matches(checked_hash, password) or not user.active:
        return None
    # Read again: a password set or an account switched off while this one was being checked
    # wins (a new password ends sessions; this one must not slip past).
    now_held = db.session.execute(
        select(StaffUser.password_hash, StaffUser.active).where(StaffUser.id == user.id)
    ).one_or_none()
    if now_held is None or now_held.password_hash != checked_hash or not now_held.active:
        return None
    return matched


def open_signed_in(staff_id: int, fingerprint: str, now: datetime) -> SignedInStaff | None:
    """Sign in the account whose password (and second factor, where needed) was checked: a
    new session, and the sign-in time recorded. None if it was switched off, its password
    changed, or its second factor was reset meanwhile."""
    with write_transaction():
        # Locked and read again: a new password, a switch-off or a reset since the checks wins.
        user = db.session.scalars(
            select(StaffUser).where(StaffUser.id == staff_id).with_for_update()
        ).one_or_none()
        if user is None or not user.active or not _second_factor_kept(user):
            return None
        if not hmac.compare_digest(fingerprint, _fingerprint(user.password_hash)):
            return None
        user.last_login_at = now
        token = staff_sessions.open_session(user, now)
        return signed_in_as(user, token)


def _second_factor_kept(user: StaffUser) -> bool:
    """False for a role that needs a second factor and has none set up."""
    return not needs_second_factor(user.role) or user.second_factor_confirmed_at is not None


def sign_in(email: str, password: str, now: datetime) -> SignedInStaff | None:
    """Sign in with the password alone: only for a role that needs no second factor."""
    matched = match_password(email, password)
    if matched is None or matched.needs_second_factor:
        return None
    return open_signed_in(matched.id, matched.fingerprint, now)


def sign_out(identity: SignedInStaff, now: datetime) -> None:
    """End this browser's session on the server."""
    staff_sessions.sign_out(identity.session_token, now)
