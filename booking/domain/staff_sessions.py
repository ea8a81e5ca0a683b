"""When a signed-in staff session ends by itself: after a quiet spell, or after a long day.

Pure rules (no flask, no database); the caller passes `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# Noting "still here" on every request would write to the database on every page; once a
# minute is plenty for a timeout counted in tens of minutes.
TOUCH_EVERY = timedelta(minutes=1)


class SessionEnd(StrEnum):
    """Why a staff session ended (stored in staff_sessions.end_reason)."""

    SIGNED_OUT = "signed_out"
    IDLE = "idle"  # no activity for the idle timeout
    EXPIRED = "expired"  # signed in for longer than the absolute lifetime
    DEACTIVATED = "deactivated"  # the account was switched off
    NEW_PASSWORD = "new_password"  # noqa: S105  (a reason, not a password)
    SECOND_FACTOR_RESET = "second_factor_reset"  # the admin reset the two-factor sign-in
    UNKNOWN = "unknown"  # no such session (never stored)


@dataclass(frozen=True)
class SessionLimits:
    """How long a session may sit unused, and how long it may last at most."""

    idle: timedelta
    lifetime: timedelta


def timed_out(
    started_at: datetime, last_seen_at: datetime, now: datetime, limits: SessionLimits
) -> SessionEnd | None:
    """Why an open session has ended by now (EXPIRED before IDLE), or None while it is open."""
    if now - started_at >= limits.lifetime:
        return SessionEnd.EXPIRED
    if now - last_seen_at >= limits.idle:
        return SessionEnd.IDLE
    return None


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    """True when the session's last activity is old enough to be written down again."""
    return now - last_seen_at >= TOUCH_EVERY
