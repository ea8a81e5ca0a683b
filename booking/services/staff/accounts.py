"""Staff accounts: finding them, adding them, and the admin's changes (each one audited).

Switching an account off or setting a new password ends every session it has open.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from booking.domain import contact
from booking.domain.audit import AuditAction
from booking.domain.staff_accounts import ROLE_WORDS, AccountState, change_problem, diary_problem
from booking.domain.staff_sessions import SessionEnd
from booking.domain.statuses import StaffRole
from booking.extensions import db
from booking.models import Practitioner, StaffUser
from booking.passwords import hash_password, password_problem
from booking.services.staff import audit
from booking.services.staff.sessions import end_all_sessions
from booking.transactions import write_transaction


class StaffAccountError(Exception):
    """The change cannot be made; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownStaff(LookupError):
    """No staff account has this id."""


EMAIL_TAKEN = (
    "There is already a staff account with this email address. To change that account, "
    "open it from the list of staff accounts."
)
UNKNOWN_DIARY = "Please choose a therapist's diary from the list."


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


# --- Reading ------------------------------------------------------------------------------------


def staff_accounts() -> list[StaffUser]:
    """Every account with its linked diary, active ones first, then by email (one query)."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .options(joinedload(StaffUser.practitioner))
            .order_by(StaffUser.active.desc(), StaffUser.email)
        )
    )


def staff_account(staff_id: int) -> StaffUser:
    """One account with its linked diary, or UnknownStaff."""
    user = db.session.scalars(
        select(StaffUser)
        .options(joinedload(StaffUser.practitioner))
        .where(StaffUser.id == staff_id)
    ).one_or_none()
    if user is None:
        raise UnknownStaff(staff_id)
    return user


def diaries() -> list[Practitioner]:
    """The therapists' diaries an account may be linked to, by name."""
    return list(db.session.scalars(select(Practitioner).order_by(Practitioner.name)))


# --- Changing -----------------------------------------------------------------------------------


def _checked_email(raw: str) -> str:
    try:
        return normalise_email(contact.normalise_email(raw))
    except contact.ContactError as problem:
        raise StaffAccountError(str(problem), "email") from None


def _checked_password(password: str, email: str) -> None:
    problem = password_problem(password, email, current_app.config["PRACTICE_NAME"])
    if problem:
        raise StaffAccountError(problem, "password")


def _diary(practitioner_id: int | None) -> Practitioner | None:
    if practitioner_id is None:
        return None
    practitioner = db.session.get(Practitioner, practitioner_id)
    if practitioner is None:
        raise StaffAccountError(UNKNOWN_DIARY, "practitioner")
    return practitioner


def _diary_words(practitioner: Practitioner | None) -> str:
    return practitioner.name if practitioner is not None else "not linked"


def locked_account(staff_id: int) -> StaffUser:
    """The account, locked for this transaction: two changes to it take turns."""
    user = db.session.scalars(
        select(StaffUser).where(StaffUser.id == staff_id).with_for_update()
    ).one_or_none()
    if user is None:
        raise UnknownStaff(staff_id)
    return user


def _active_admin_ids() -> set[int]:
    # Locked too, so two admins switching each other off at once cannot both succeed.
    return set(
        db.session.scalars(
            select(StaffUser.id)
            .where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
            .with_for_update()
        )
    )


def _check_change(actor: audit.Actor, user: StaffUser, *, role: StaffRole, active: bool) -> None:
    problem = change_problem(
        actor.staff_user_id,
        AccountState(user.id, user.role, user.active),
        role=role,
        active=active,
        active_admin_ids=_active_admin_ids(),
    )
    if problem:
        raise StaffAccountError(problem, "role" if active == user.active else None)


def create_account(
    actor: audit.Actor,
    email: str,
    role: StaffRole,
    password: str,
    now: datetime,
    practitioner_id: int | None = None,
) -> StaffUser:
    """Add an account with the password given; refuses an email that already has one."""
    if find_staff(email) is not None:
        raise StaffAccountError(EMAIL_TAKEN, "email")
    address = _checked_email(email)
    _checked_password(password, address)
    problem = diary_problem(role, practitioner_id)
    if problem:
        raise StaffAccountError(problem, "practitioner")
    password_hash = hash_password(password)  # slow on purpose: before the write lock
    with write_transaction():
        if find_staff(address) is not None:
            raise StaffAccountError(EMAIL_TAKEN, "email")
        practitioner = _diary(practitioner_id)
        user = StaffUser(
            email=address, role=role, password_hash=password_hash, practitioner=practitioner
        )
        db.session.add(user)
        db.session.flush()
        detail = f"{address} as {ROLE_WORDS[role]}"
        if practitioner is not None:
            detail += f", diary: {practitioner.name}"
        audit.record(actor, AuditAction.ADDED_STAFF, now, detail=detail)
        return user


def change_account(
    actor: audit.Actor,
    staff_id: int,
    role: StaffRole,
    practitioner_id: int | None,
    now: datetime,
) -> bool:
    """Change an account's role and linked diary; False when nothing changed."""
    problem = diary_problem(role, practitioner_id)
    if problem:
        raise StaffAccountError(problem, "practitioner")
    with write_transaction():
        user = locked_account(staff_id)
        _check_change(actor, user, role=role, active=user.active)
        practitioner = _diary(practitioner_id)
        changes = []
        if role != user.role:
            changes.append(f"role: {ROLE_WORDS[user.role]} → {ROLE_WORDS[role]}")
        if practitioner_id != user.practitioner_id:
            before = _diary_words(user.practitioner)
            changes.append(f"diary: {before} → {_diary_words(practitioner)}")
        if not changes:
            return False
        user.role = role
        user.practitioner = practitioner
        audit.record(
            actor, AuditAction.CHANGED_STAFF, now, detail=f"{user.email}: " + "; ".join(changes)
        )
        return True


def set_active(actor: audit.Actor, staff_id: int, active: bool, now: datetime) -> bool:
    """Switch an account on or off (off ends its sessions); False when it already was."""
    with write_transaction():
        user = locked_account(staff_id)
        if user.active == active:
            return False
        _check_change(actor, user, role=user.role, active=active)
        user.active = active
        if not active:
            end_all_sessions(user.id, now, SessionEnd.DEACTIVATED)
        words = "switched on" if active else "switched off"
        audit.record(actor, AuditAction.CHANGED_STAFF, now, detail=f"{user.email}: {words}")
        return True


def set_password(actor: audit.Actor, staff_id: int, password: str, now: datetime) -> None:
    """Give an account a new password; every session it has open ends."""
    _checked_password(password, staff_account(staff_id).email)
    password_hash = hash_password(password)
    with write_transaction():
        user = locked_account(staff_id)
        user.password_hash = password_hash
        end_all_sessions(user.id, now, SessionEnd.NEW_PASSWORD)
        audit.record(
            actor, AuditAction.CHANGED_STAFF, now, detail=f"{user.email}: new password set"
        )
