"""One handler for every HTTP error: a calm page for people, JSON for programs."""

from __future__ import annotations

import contextlib

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from booking.errors import bp
from booking.extensions import db

# What each error means, in plain words. Anything not listed gets the generic wording.
MESSAGES: dict[int, tuple[str, str]] = {
    400: (
        "Sorry, we could not understand that",
        "Something in the request was not as we expected. Please go back and try again.",
    ),
    403: ("This page is not available to you", "If you think it should be, please contact us."),
    404: (
        "We cannot find that page",
        "The link may be old or mistyped. You have not done anything wrong.",
    ),
    405: ("That page cannot be used that way", "Please go back and try again from the page."),
    413: (
        "That was more than we can accept",
        "What was sent was too large. Please shorten any long text and try again.",
    ),
    429: ("Please wait a moment", "There have been a lot of tries. Please wait a minute."),
    500: (
        "Sorry, something went wrong on our side",
        "It is not your fault. Please try again in a little while, or call us.",
    ),
    503: (
        "We are not available just now",
        "Please try again in a little while, or call us.",
    ),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    """Render any HTTP error as the site's page, or JSON for API clients."""
    code = error.code or 500
    title, detail = MESSAGES.get(code, (error.name, "Please go back and try again."))
    # Keep headers the error carries, such as Allow on a 405 or Retry-After on a 429.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if _wants_json():
        return {"error": title, "detail": detail, "status": code}, code, headers
    page = render_template("errors/error.html", code=code, title=title, detail=detail)
    return page, code, headers


@bp.app_errorhandler(InternalServerError)
def handle_internal_error(error: InternalServerError) -> ResponseReturnValue:
    """Roll back whatever the failed request left in the session, then apologise."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the database itself may be what failed; the page still shows
        current_app.logger.exception("rollback after an internal error failed")
    return handle_http_error(error)


# Form fields never written back into a page: the form's token is issued afresh, and a
# password is typed again rather than put into the page's source.
NOT_KEPT = frozenset({"csrf_token", "password", "new_password", "confirm_password"})
RETRY_AFTER_SECONDS = "5"


@bp.app_errorhandler(OperationalError)
def handle_database_gone(error: OperationalError) -> ResponseReturnValue:
    """The database went away mid-request (a restart, a dropped connection, a full disk).

    A request that only reads is tried once more on a fresh connection, since doing it again
    changes nothing. Anything else gets 503 with Retry-After and a calm page that holds what
    the person typed, ready to send again with one press; a program gets the same as JSON.
    """
    _forget_session()
    if request.method in ("GET", "HEAD"):
        current_app.logger.warning("database gone mid-request; trying once more: %s", _why(error))
        try:
            return current_app.make_response(current_app.dispatch_request())
        except OperationalError as again:
            _forget_session()
            error = again
    current_app.logger.warning("database unavailable, answered 503: %s", _why(error))
    headers = {"Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store"}
    title, detail = (
        "We could not save that just now",
        "Nothing went wrong on your side, and nothing was lost: please press the button "
        "below in a moment to send it again, or call us.",
    )
    if _wants_json():
        return {"error": title, "detail": detail, "status": 503}, 503, headers
    if request.method not in ("POST", "PUT", "PATCH"):
        title, detail = MESSAGES[503]
        page = render_template("errors/error.html", code=503, title=title, detail=detail)
        return page, 503, headers
    kept = [
        (name, value)
        for name, values in request.form.lists()
        if name not in NOT_KEPT
        for value in values
    ]
    page = render_template(
        "errors/try_again.html",
        title=title,
        detail=detail,
        action=request.full_path.rstrip("?"),
        fields=kept,
    )
    return page, 503, headers


def _forget_session() -> None:
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    db.session.remove()


def _why(error: DBAPIError) -> str:
    reason = str(getattr(error, "orig", None) or type(error).__name__).strip()
    return (reason.splitlines() or [type(error).__name__])[0][:160]
