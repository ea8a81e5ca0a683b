"""Staff password hashing: argon2id with argon2-cffi's defaults (above OWASP's minimum)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """True when the password is the one the hash was made from."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
