"""The waiting list's public pages: ask to be told when a time frees, see or leave your place,
and take a time offered."""

from flask import Blueprint

bp = Blueprint("waitlist", __name__, url_prefix="/waitlist")

from booking.waitlist import routes  # noqa: E402,F401
