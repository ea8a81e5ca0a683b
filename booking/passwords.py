"""Staff password hashing: argon2id with argon2-cffi's defaults (above OWASP's minimum)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory profile)

# Length is what makes a password strong (NIST SP 800-63B); a few words together are easy
# to remember and type. No rules about symbols or digits.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000  # the sign-in form accepts no more


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, in plain words; None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Please choose a password of at least {MIN_PASSWORD_LENGTH} characters. "
            "A few words together are easy to remember, for example 'a quiet walk by the river'."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Please choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "Please choose a password that is not only spaces."
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
