"""Two-factor sign-in for staff: setting up an authenticator app, checking its codes and the
recovery codes, and the admin's reset. The rules are in domain/second_factor.py.

The secret is kept encrypted with the field cipher (like health answers), from the moment the
set-up page first shows it; it counts only once a code from the app has confirmed it. Every
check locks the account's row, so one code cannot be accepted twice by two requests at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from booking.domain import second_factor as rules
from booking.domain.audit import AuditAction
from booking.domain.staff_sessions import SessionEnd
from booking.encryption import cipher
from booking.models import StaffUser
from booking.services.staff import audit
from booking.services.staff.accounts import UnknownStaff, locked_account
from booking.services.staff.sessions import end_all_sessions
from booking.transactions import write_transaction

# UnknownStaff is the accounts service's, raised here too: callers catch it from this module.
__all__ = [
    "AlreadySetUp",
    "Checked",
    "SetUp",
    "UnknownStaff",
    "check",
    "confirm",
    "is_set_up",
    "prepare",
    "reset",
]


class AlreadySetUp(Exception):
    """The account's second factor is set up already: a new one needs the admin's reset."""


@dataclass(frozen=True)
class SetUp:
    """What the set-up page shows: the secret (as text and as a QR code) for this account."""

    secret: str
    email: str


@dataclass(frozen=True)
class Checked:
    """A code accepted: from the app, or a recovery code (and how many of those are left)."""

    recovery: bool
    recovery_left: int


def _secret(user: StaffUser) -> str:
    return str(cipher().decrypt(user.second_factor_secret))


def _digests(user: StaffUser) -> list[str]:
    return list(json.loads(user.recovery_code_hashes or "[]"))


def is_set_up(user: StaffUser) -> bool:
    return user.second_factor_confirmed_at is not None


def prepare(staff_id: int) -> SetUp:
    """The secret to set up, made and kept (encrypted) the first time, the same after that."""
    with write_transaction():
        user = locked_account(staff_id)
        if is_set_up(user):
            raise AlreadySetUp(staff_id)
        if user.second_factor_secret is None:
            user.second_factor_secret = cipher().encrypt(rules.new_secret())
        return SetUp(_secret(user), user.email)


def confirm(staff_id: int, typed: str, now: datetime) -> list[str] | None:
    """Confirm the app with one of its codes: the new recovery codes, or None if the code is
    not right. The recovery codes are returned once and only their digests kept."""
    code = rules.tidy_code(typed)
    with write_transaction():
        user = locked_account(staff_id)
        if is_set_up(user):
            raise AlreadySetUp(staff_id)
        if user.second_factor_secret is None:
            return None
        step = rules.accepted_step(_secret(user), code, now, user.second_factor_last_step)
        if step is None:
            return None
        codes = rules.new_recovery_codes()
        user.second_factor_confirmed_at = now
        user.second_factor_last_step = step
        user.recovery_code_hashes = json.dumps([rules.recovery_digest(c) for c in codes])
        actor = audit.Actor(user.id, user.email)
        audit.record(actor, AuditAction.SET_UP_SECOND_FACTOR, now, detail=user.email)
        return codes


def check(staff_id: int, typed: str, now: datetime) -> Checked | None:
    """A code from the app (this time-step or one either side, never one used before) or an
    unused recovery code, which is then used up; None if neither."""
    code = rules.tidy_code(typed)
    with write_transaction():
        user = locked_account(staff_id)
        if not is_set_up(user) or user.second_factor_secret is None:
            return None
        digests = _digests(user)
        step = rules.accepted_step(_secret(user), code, now, user.second_factor_last_step)
        if step is not None:
            user.second_factor_last_step = step
            return Checked(recovery=False, recovery_left=len(digests))
        used = rules.matching_recovery_digest(code, digests)
        if used is None:
            return None
        digests.remove(used)
        user.recovery_code_hashes = json.dumps(digests)
        actor = audit.Actor(user.id, user.email)
        detail = f"{user.email}: {len(digests)} recovery codes left"
        audit.record(actor, AuditAction.USED_RECOVERY_CODE, now, detail=detail)
        return Checked(recovery=True, recovery_left=len(digests))


def reset(actor: audit.Actor, staff_id: int, now: datetime) -> bool:
    """Forget the account's second factor (a lost phone): it sets one up again at its next
    sign-in, and every session it has open ends. False when there was nothing to reset."""
    with write_transaction():
        user = locked_account(staff_id)
        if user.second_factor_secret is None:
            return False
        user.second_factor_secret = None
        user.second_factor_confirmed_at = None
        user.second_factor_last_step = None
        user.recovery_code_hashes = None
        end_all_sessions(user.id, now, SessionEnd.SECOND_FACTOR_RESET)
        audit.record(actor, AuditAction.RESET_SECOND_FACTOR, now, detail=user.email)
        return True
