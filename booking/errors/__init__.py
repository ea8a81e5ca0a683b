"""Friendly error pages and JSON errors."""

from flask import Blueprint

bp = Blueprint("errors", __name__)

from booking.errors import handlers  # noqa: E402,F401
