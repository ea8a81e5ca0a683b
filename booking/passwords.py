"""Staff passwords: the rules a new one must meet, and hashing with argon2id (argon2-cffi's
defaults, above OWASP's minimum).

Common passwords are refused from a list shipped with the code (common-passwords.txt.gz, from
Django; see common-passwords.LICENSE), so checking a password never calls the network.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory profile)

# Length is what makes a password strong (NIST SP 800-63B); a few words together are easy
# to remember and type. No rules about symbols or digits.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000  # the sign-in form accepts no more

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")
EXAMPLE = "A few words together are easy to remember, for example 'a quiet walk by the river'."

# What is left once runs of one character or of neighbours (aaaa, abcd, 4321) count as one:
# fewer than this many makes a password easy to guess, however long it is.
MIN_VARIED_CHARACTERS = 6
# An email name shorter than this ("jo") is too likely to appear inside ordinary words.
MIN_NAME_LENGTH = 3

COMMON = (
    "This password is on a list of very common passwords, which are the first ones anyone "
    "trying to get in would guess. Please choose another. " + EXAMPLE
)
COMMON_WITH_EXTRAS = (
    "This password is a very common one with numbers or symbols added, which people trying "
    "to get in guess early. Please choose another. " + EXAMPLE
)
PATTERN = (
    "This password is mostly repeated letters or a run like 'abcd' or '1234', which is quick "
    "to guess. Please choose another. " + EXAMPLE
)
OWN_NAME = (
    "This password contains your email name, which anyone who knows your address would try. "
    "Please choose another. " + EXAMPLE
)
PRACTICE = (
    "This password contains the practice's name, which anyone trying to get in would try. "
    "Please choose another. " + EXAMPLE
)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (read once)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _compact(text: str) -> str:
    """Lower-cased letters and digits only: "Still Waters" and "still.waters" look the same."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def varied_characters(password: str) -> int:
    """How many characters are left when each run of repeats or neighbours counts as one."""
    count = 0
    previous = None
    for ch in password.lower():
        if previous is None or abs(ord(ch) - ord(previous)) > 1:
            count += 1
        previous = ch
    return count


def _common_core(password: str) -> str:
    # "Password1234!" is "password" with digits and symbols around it: guessers try those first.
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.strip().lower())


def password_problem(password: str, email: str = "", practice_name: str = "") -> str | None:
    """Why a new password cannot be used, in plain words; None when it is fine.

    `email` is the account's address and `practice_name` the practice's: a password holding
    either is among the first anyone would try.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters. " + EXAMPLE
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Please choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "Please choose a password that is not only spaces."
    if password.strip().lower() in common_passwords():
        return COMMON
    if varied_characters(password) < MIN_VARIED_CHARACTERS:
        return PATTERN
    core = _common_core(password)
    if not core or core in common_passwords():
        return COMMON_WITH_EXTRAS if core else PATTERN
    compact = _compact(password)
    name = _compact(email.partition("@")[0])
    if len(name) >= MIN_NAME_LENGTH and name in compact:
        return OWN_NAME
    practice = _compact(practice_name)
    if practice and practice in compact:
        return PRACTICE
    return None


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when the password is the one the hash was made from."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
