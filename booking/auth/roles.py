"""Who may open a page: `@roles_required(StaffRole.THERAPIST, StaffRole.ADMIN)`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from booking.auth.accounts import CLINICAL_ROLES, ended_session
from booking.domain.staff_sessions import SessionEnd
from booking.domain.statuses import StaffRole

__all__ = ["CLINICAL_ROLES", "EVERY_ROLE", "HOME_ENDPOINT", "roles_required"]

P = ParamSpec("P")
R = TypeVar("R")

EVERY_ROLE = frozenset(StaffRole)
HOME_ENDPOINT = "dashboard.home"  # where staff land after signing in


def timeout_message(ended: SessionEnd | None) -> str | None:
    """The calm words for a session that ended by itself, or None."""
    config = current_app.config
    if ended == SessionEnd.IDLE:
        minutes = config["STAFF_IDLE_MINUTES"]
        return (
            f"You were signed out after {minutes} minutes without activity. Please sign in again."
        )
    if ended == SessionEnd.EXPIRED:
        hours = config["STAFF_SESSION_HOURS"]
        return (
            f"You were signed out because you had been signed in for {hours} hours. "
            "Please sign in again."
        )
    return None


def forget_ended_session() -> None:
    """Clear a session whose account no longer loads, saying why if it timed out."""
    if session.get("_user_id"):
        # The session names an account that no longer loads (timed out, signed out elsewhere,
        # switched off, or its password changed): end it completely, leaving nothing behind.
        session.clear()
        message = timeout_message(ended_session())
        if message:
            flash(message, "info")


def sign_in_redirect():
    """Send someone who is not signed in to the sign-in page, coming back here afterwards."""
    forget_ended_session()
    # A form sent without being signed in cannot be replayed after sign-in; come back to the
    # dashboard instead of to an address that only answers POST.
    target = request.full_path.rstrip("?") if request.method == "GET" else url_for(HOME_ENDPOINT)
    return redirect(url_for("auth.login", next=target))


def roles_required(*roles: StaffRole) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let signed-in staff with one of these roles in; others sign in (302) or are refused (403)."""
    if not roles:
        raise ValueError("roles_required() needs at least one role")
    allowed = frozenset(roles)

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return sign_in_redirect()  # type: ignore[return-value]
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        guarded.allowed_roles = allowed  # type: ignore[attr-defined]  # read by the tests
        return guarded

    return decorate
