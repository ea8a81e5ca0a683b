"""The second step of signing in, for every role that reads clinical data: a code from an
authenticator app (TOTP), or a one-time recovery code; and setting the app up the first time.

After the password, the browser holds only a pending sign-in (the account, a fingerprint of
its password, where to go next, and 10 minutes to finish); nobody is signed in until the code
is right. Codes are throttled like passwords: per account and per network address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from markupsafe import Markup

from booking.auth import bp, throttle
from booking.auth.accounts import PasswordMatched, open_signed_in
from booking.auth.forms import SecondFactorForm, SetUpForm
from booking.auth.roles import HOME_ENDPOINT
from booking.clock import now_utc
from booking.domain.second_factor import secret_in_groups, set_up_address
from booking.extensions import limiter
from booking.services.staff import second_factor as factors

PENDING = "pending_sign_in"  # in the session, between the password and the code
PENDING_MINUTES = 10

CODE_NOT_RIGHT = SimpleNamespace(
    message="That code did not work. Codes change every 30 seconds and each works once: "
    "please type the one your app shows now, or one of your recovery codes."
)
SET_UP_CODE_NOT_RIGHT = SimpleNamespace(
    message="That code did not work. Please check the app added this practice, then type "
    "the 6 digits it shows now (they change every 30 seconds)."
)
SIGN_IN_AGAIN = "Please sign in again: signing in was not finished within 10 minutes."


@dataclass(frozen=True)
class Pending:
    """A sign-in waiting for its second factor."""

    staff_id: int
    fingerprint: str
    destination: str


def start(matched: PasswordMatched, destination: str, now: datetime) -> ResponseReturnValue:
    """After the right password: wait for the code, or set the app up the first time."""
    session.clear()  # nothing from before signing in is carried into it
    session[PENDING] = {
        "id": matched.id,
        "fp": matched.fingerprint,
        "next": destination,
        "until": (now + timedelta(minutes=PENDING_MINUTES)).timestamp(),
    }
    step = "auth.second_factor" if matched.second_factor_ready else "auth.set_up_second_factor"
    return redirect(url_for(step), code=303)


def _pending() -> Pending | None:
    held = session.get(PENDING)
    if not isinstance(held, dict):
        return None
    try:
        pending = Pending(int(held["id"]), str(held["fp"]), str(held["next"]))
        until = float(held["until"])
    except (KeyError, TypeError, ValueError):
        return None
    if now_utc().timestamp() > until:
        return None
    return pending


def _sign_in_again() -> ResponseReturnValue:
    if current_user.is_authenticated:  # e.g. the Back button after signing in: stay signed in
        return redirect(url_for(HOME_ENDPOINT), code=303)
    had_one = PENDING in session
    session.clear()
    if had_one:
        flash(SIGN_IN_AGAIN, "info")
    return redirect(url_for("auth.login"), code=303)


def _finish(pending: Pending) -> bool:
    """Sign in for real: a fresh session holding only the signed-in account."""
    identity = open_signed_in(pending.staff_id, pending.fingerprint, now_utc())
    session.clear()
    if identity is None:  # switched off, a new password or a reset meanwhile
        return False
    login_user(identity)
    return True


def pending_key() -> str:
    """The limit's key for the account waiting for its code: keyed, so no ids in the store."""
    held = session.get(PENDING)
    raw = str(held.get("id", "")) if isinstance(held, dict) else ""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "code:" + hmac.new(secret, raw.encode(), hashlib.sha256).hexdigest()[:32]


# --- The code, each time ----------------------------------------------------------------------


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(throttle.PER_ADDRESS, key_func=throttle.address_key, methods=["POST"])
@limiter.limit(throttle.PER_EMAIL, key_func=pending_key, methods=["POST"])
def second_factor() -> ResponseReturnValue:
    """Type the code from the authenticator app, or a recovery code."""
    pending = _pending()
    if pending is None:
        return _sign_in_again()
    form = SecondFactorForm()
    if not form.is_submitted():
        return render_template("auth/second_factor.html", form=form)
    if not form.validate():
        return render_template("auth/second_factor.html", form=form), 422
    try:
        checked = factors.check(pending.staff_id, form.code.data, now_utc())
    except factors.UnknownStaff:
        return _sign_in_again()
    if checked is None:
        page = render_template("auth/second_factor.html", form=form, problem=CODE_NOT_RIGHT)
        return page, 422
    if not _finish(pending):
        return _sign_in_again()
    if checked.recovery:
        flash(_recovery_words(checked.recovery_left), "info")
    return redirect(pending.destination, code=303)


def _recovery_words(left: int) -> str:
    codes = "1 recovery code" if left == 1 else f"{left} recovery codes"
    words = (
        f"You signed in with a recovery code, which cannot be used again. You have {codes} left."
    )
    if left <= 3:
        words += (
            " Please ask the practice's admin to reset your two-factor sign-in soon: you then "
            "set up your app again and get new codes."
        )
    return words


# --- Setting the app up, the first time --------------------------------------------------------


def _set_up_page(form: SetUpForm, set_up: factors.SetUp, problem=None) -> str:
    address = set_up_address(set_up.secret, set_up.email, current_app.config["PRACTICE_NAME"])
    # Dark squares on white whatever the colour scheme: apps read that reliably.
    qr = segno.make(address, error="m").svg_inline(scale=5, dark="#000", light="#fff", border=4)
    return render_template(
        "auth/set_up_second_factor.html",
        form=form,
        problem=problem,
        qr=Markup(qr),  # noqa: S704  (made here by segno from our own address, nothing typed)
        secret=secret_in_groups(set_up.secret),
        account=set_up.email,
    )


@bp.route("/login/set-up", methods=["GET", "POST"])
@limiter.limit(throttle.PER_ADDRESS, key_func=throttle.address_key, methods=["POST"])
@limiter.limit(throttle.PER_EMAIL, key_func=pending_key, methods=["POST"])
def set_up_second_factor() -> ResponseReturnValue:
    """Add the practice to an authenticator app, confirm it with a code, keep recovery codes."""
    pending = _pending()
    if pending is None:
        return _sign_in_again()
    try:
        set_up = factors.prepare(pending.staff_id)
    except factors.AlreadySetUp:
        return redirect(url_for("auth.second_factor"), code=303)
    except factors.UnknownStaff:
        return _sign_in_again()
    form = SetUpForm()
    if not form.is_submitted():
        return _set_up_page(form, set_up)
    if not form.validate():
        return _set_up_page(form, set_up), 422
    codes = factors.confirm(pending.staff_id, form.code.data, now_utc())
    if codes is None:
        return _set_up_page(form, set_up, SET_UP_CODE_NOT_RIGHT), 422
    if not _finish(pending):
        return _sign_in_again()
    # Shown once, in this answer (never cached, never stored but as digests).
    return render_template("auth/recovery_codes.html", codes=codes, destination=pending.destination)


def page_again(problem: SimpleNamespace) -> str | None:
    """On the second step's pages, the page again with this problem (too many codes, or the
    count of tries out of reach); None on any other page."""
    if request.endpoint == "auth.second_factor":
        return render_template("auth/second_factor.html", form=SecondFactorForm(), problem=problem)
    if request.endpoint == "auth.set_up_second_factor":
        pending = _pending()
        try:
            set_up = factors.prepare(pending.staff_id) if pending else None
        except (factors.AlreadySetUp, factors.UnknownStaff):
            set_up = None
        if set_up is None:
            return render_template(
                "auth/second_factor.html", form=SecondFactorForm(), problem=problem
            )
        return _set_up_page(SetUpForm(), set_up, problem)
    return None
