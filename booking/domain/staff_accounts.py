"""Rules for changing staff accounts, so the practice is never left without an admin.

Pure: the caller passes who is acting, the account as it is, and the change asked for.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from booking.domain.statuses import StaffRole

OWN_ACCOUNT_OFF = "You cannot switch off your own account. Another admin can do this."
OWN_ADMIN_ROLE = "You cannot take the admin role from your own account. Another admin can do this."
LAST_ADMIN = (
    "This is the only active admin account. Add another admin (or switch one back on) first, "
    "so someone can still look after staff accounts."
)
NO_DIARY_FOR_RECEPTION = (
    "Reception accounts are not linked to a therapist's diary. Choose 'Not linked', "
    "or choose another role."
)

ROLE_WORDS = {
    StaffRole.ADMIN: "admin",
    StaffRole.THERAPIST: "therapist",
    StaffRole.RECEPTION: "reception",
}


@dataclass(frozen=True)
class AccountState:
    """What matters about an account for these rules."""

    id: int
    role: StaffRole
    active: bool


def _is_active_admin(role: StaffRole, active: bool) -> bool:
    return active and role == StaffRole.ADMIN


def change_problem(
    actor_id: int | None,
    account: AccountState,
    *,
    role: StaffRole,
    active: bool,
    active_admin_ids: Collection[int],
) -> str | None:
    """Why this change to `account` must not be made, in plain words; None when it may.

    `active_admin_ids` are the active admin accounts as they are now (this one included if
    it is one). `actor_id` is None for the command line, which may change any account.
    """
    if account.id == actor_id:
        if account.active and not active:
            return OWN_ACCOUNT_OFF
        if account.role == StaffRole.ADMIN and role != StaffRole.ADMIN:
            return OWN_ADMIN_ROLE
    stops_being_admin = _is_active_admin(account.role, account.active) and not (
        _is_active_admin(role, active)
    )
    if stops_being_admin and not set(active_admin_ids) - {account.id}:
        return LAST_ADMIN
    return None


def diary_problem(role: StaffRole, practitioner_id: int | None) -> str | None:
    """Why this role cannot be linked to this diary; None when it can."""
    if practitioner_id is not None and role == StaffRole.RECEPTION:
        return NO_DIARY_FOR_RECEPTION
    return None
