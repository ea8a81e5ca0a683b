"""Signing in and out. Every answer here is private and never cached."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from booking.auth import bp, second_step, throttle
from booking.auth.accounts import match_password, open_signed_in, sign_out
from booking.auth.forms import SignInForm
from booking.auth.roles import HOME_ENDPOINT, forget_ended_session
from booking.clock import now_utc
from booking.extensions import limiter
from booking.web import never_cache

# One message for a wrong email and a wrong password, so the page never says which emails
# have accounts.
NOT_MATCHED = SimpleNamespace(
    message="That email and password do not match an account we know. "
    "Please check both and try again."
)
# The same for every email typed, whether or not it has an account.
TOO_MANY_TRIES = SimpleNamespace(
    message="There have been several sign-in tries that did not match, with this email "
    "address or from this network. Please wait a few minutes, then try again."
)


def safe_next(target: str | None) -> str | None:
    """A page on this site to go to after signing in: a relative path, never another site."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    # "//host" and "/\host" are other sites to a browser; control characters have no place here.
    if target.startswith(("//", "/\\")) or any(ch == "\\" or ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


bp.after_request(never_cache)  # sign-in pages stay out of every cache (shared computers)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttle.PER_ADDRESS, key_func=throttle.address_key, methods=["POST"])
@limiter.limit(throttle.PER_EMAIL, key_func=throttle.email_key, methods=["POST"])
def login() -> ResponseReturnValue:
    """The staff sign-in page."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for(HOME_ENDPOINT))
    if request.method == "GET":
        forget_ended_session()  # a timed-out session: say so here, and keep nothing of it
        form = SignInForm(formdata=None, next=safe_next(request.args.get("next")) or "")
        return render_template("auth/login.html", form=form)
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Only the page's own form signs in; a JSON body would be counted under no email.
        abort(415)
    form = SignInForm()
    if not form.validate():
        return render_template("auth/login.html", form=form), 422
    matched = match_password(form.email.data, form.password.data)
    if matched is None:
        return render_template("auth/login.html", form=form, problem=NOT_MATCHED), 422
    destination = safe_next(form.next.data) or url_for(HOME_ENDPOINT)
    now = now_utc()
    if matched.needs_second_factor:
        return second_step.start(matched, destination, now)
    identity = open_signed_in(matched.id, matched.fingerprint, now)
    if identity is None:  # switched off or given a new password while this was checked
        return render_template("auth/login.html", form=form, problem=NOT_MATCHED), 422
    # Start from a fresh session: nothing from before signing in is carried into it.
    session.clear()
    login_user(identity)
    return redirect(destination, code=303)


@bp.errorhandler(TooManyRequests)
def too_many_tries(_error: TooManyRequests) -> ResponseReturnValue:
    """The form again, with what was typed (never the password) and a calm wait."""
    code_page = second_step.page_again(TOO_MANY_CODES)
    if code_page is not None:
        return code_page, 429
    form = SignInForm()
    form.next.data = safe_next(form.next.data) or ""
    page = render_template("auth/login.html", form=form, problem=TOO_MANY_TRIES)
    return page, 429


TOO_MANY_CODES = SimpleNamespace(
    message="There have been several codes that did not work. Please wait a few minutes, "
    "then type the code your app shows at that moment."
)

# While the shared count of sign-in tries (Redis) cannot be reached, nobody can be counted,
# so nobody signs in: a password guesser gets no unlimited window, and staff get a clear wait.
COUNT_UNAVAILABLE = SimpleNamespace(
    message="Signing in is paused for a moment while part of the system restarts. Please try "
    "again in a minute. If it goes on, please tell whoever looks after the system."
)


@bp.errorhandler(RedisError)
def count_unavailable(_error: RedisError) -> ResponseReturnValue:
    """The sign-in form again, with what was typed (never the password), and a calm wait."""
    current_app.logger.warning("sign-in paused: the sign-in try count (Redis) cannot be reached")
    code_page = second_step.page_again(COUNT_UNAVAILABLE)
    if code_page is not None:
        return code_page, 503, {"Retry-After": "30"}
    form = SignInForm()
    form.next.data = safe_next(form.next.data) or ""
    page = render_template("auth/login.html", form=form, problem=COUNT_UNAVAILABLE)
    return page, 503, {"Retry-After": "30"}


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out: end the session on the server, then forget everything this browser held."""
    if current_user.is_authenticated:
        sign_out(current_user._get_current_object(), now_utc())
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"), code=303)
