"""Signed-in staff sessions kept on the server: opened at sign-in, checked on each request,
ended by signing out, by a timeout, or when the account is switched off or its password set.

The browser's session holds a random token; only its sha256 is stored, so a copy of the
table opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update

from booking.domain.staff_sessions import SessionEnd, SessionLimits, needs_touch, timed_out
from booking.extensions import db
from booking.models import StaffSession, StaffUser
from booking.transactions import write_transaction

MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    """What is stored for a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: StaffUser, now: datetime) -> str:
    """Add a new session for this account to the caller's transaction; returns its token."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            token_hash=token_hash(token),
            staff_user_id=user.id,
            started_at=now,
            last_seen_at=now,
        )
    )
    return token


def session_with_account(staff_user_id: int, token: str) -> tuple[StaffUser, StaffSession] | None:
    """The account and its session for this token, in one query; None if they do not match."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        select(StaffUser, StaffSession)
        .join(StaffSession, StaffSession.staff_user_id == StaffUser.id)
        .where(StaffUser.id == staff_user_id, StaffSession.token_hash == token_hash(token))
    ).first()
    return (row[0], row[1]) if row else None


def keep_alive(session: StaffSession, now: datetime, limits: SessionLimits) -> SessionEnd | None:
    """None while the session is open (its activity noted at most once a minute); otherwise
    why it has ended, ending it now if it has just timed out."""
    if session.ended_at is not None:
        return _reason(session.end_reason)
    ended = timed_out(session.started_at, session.last_seen_at, now, limits)
    session_id = session.id
    if ended is not None:
        with write_transaction():
            _end(StaffSession.id == session_id, now, ended)
        return ended
    if needs_touch(session.last_seen_at, now):
        with write_transaction():
            db.session.execute(
                update(StaffSession)
                .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
                .values(last_seen_at=now)
            )
    return None


def _reason(stored: str | None) -> SessionEnd:
    try:
        return SessionEnd(stored)
    except ValueError:
        return SessionEnd.UNKNOWN


def _end(condition, now: datetime, reason: SessionEnd) -> int:
    result = db.session.execute(
        update(StaffSession)
        .where(condition, StaffSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason.value)
    )
    return result.rowcount


def sign_out(token: str, now: datetime) -> None:
    """End the session with this token (a copied cookie stops working too)."""
    with write_transaction():
        _end(StaffSession.token_hash == token_hash(token), now, SessionEnd.SIGNED_OUT)


def end_all_sessions(staff_user_id: int, now: datetime, reason: SessionEnd) -> int:
    """End every open session of an account, in the caller's transaction; returns how many."""
    return _end(StaffSession.staff_user_id == staff_user_id, now, reason)
