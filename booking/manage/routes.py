"""Manage-link pages."""

from flask import Response, abort

from booking.manage import bp


@bp.get("/<token>")
def show(token: str) -> str:
    """The booking behind a manage link."""
    abort(404)


@bp.get("/<token>/calendar.ics")
def calendar(token: str) -> Response:
    """The booking as a calendar file."""
    abort(404)
