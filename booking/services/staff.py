"""Staff accounts."""

from __future__ import annotations

from sqlalchemy import select

from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Practitioner, StaffUser
from booking.passwords import hash_password


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively; store them trimmed and lower-cased."""
    return email.strip().lower()


def find_staff(email: str) -> StaffUser | None:
    """The staff account with this email, if any."""
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def add_staff(
    email: str, role: StaffRole, password: str, practitioner: Practitioner | None = None
) -> StaffUser:
    """Add a staff account to the session (the caller commits)."""
    user = StaffUser(
        email=normalise_email(email),
        role=role,
        password_hash=hash_password(password),
        practitioner=practitioner,
    )
    db.session.add(user)
    return user
