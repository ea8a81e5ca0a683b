"""A client's private page for one booking: view, cancel, move, shorten, calendar file."""

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from booking.manage import routes  # noqa: E402,F401
