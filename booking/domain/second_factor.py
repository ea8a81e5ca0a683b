"""Two-factor sign-in rules, pure: TOTP codes (RFC 6238, through pyotp) and recovery codes.

A code from the authenticator app is accepted for the current 30-second time-step and one
step either side (a phone's clock drifts, and a tired person types slowly), never for a step
at or before the last one accepted: a code seen over someone's shoulder cannot be used again.

Recovery codes are random, 10 characters from an alphabet without look-alikes (about 50
bits each), shown once and kept only as SHA-256 digests. A slow password hash is not needed
for a random secret of that size, and sign-in tries are throttled as well.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime

import pyotp

from booking.domain.statuses import StaffRole

# Every role that can read clinical data signs in with a second factor (auth/accounts.py).
SECOND_FACTOR_ROLES = frozenset({StaffRole.THERAPIST, StaffRole.ADMIN})

DRIFT_STEPS = 1  # steps accepted either side of now
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0 or 1
RECOVERY_LENGTH = 10
CODE_DIGITS = 6

_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015]+")  # spaces, hyphens and dashes people type


def needs_second_factor(role: StaffRole) -> bool:
    return role in SECOND_FACTOR_ROLES


def new_secret() -> str:
    """A new authenticator secret: 32 base32 characters (160 bits, as RFC 4226 advises)."""
    return pyotp.random_base32(32)


def secret_in_groups(secret: str) -> str:
    """The secret as it is easiest to type by hand: groups of four."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def set_up_address(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address the QR code holds (the account's email and the practice)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def tidy_code(typed: str) -> str:
    """A code as typed, without spaces or dashes, lower case."""
    return _SEPARATORS.sub("", typed).lower()


def looks_like_app_code(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time-step this app code belongs to, if it is right now and not used before."""
    if not looks_like_app_code(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh one-time codes, shown as "abcde-fghjk"."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_digest(code: str) -> str:
    return hashlib.sha256(tidy_code(code).encode()).hexdigest()


def matching_recovery_digest(code: str, digests: Sequence[str]) -> str | None:
    """The stored digest this recovery code matches, if any (each compared in full)."""
    if len(code) != RECOVERY_LENGTH:
        return None
    wanted = recovery_digest(code)
    found = None
    for digest in digests:
        if hmac.compare_digest(digest, wanted):
            found = digest
    return found
