"""One handler for every HTTP error: a calm page for people, JSON for programs."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
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
