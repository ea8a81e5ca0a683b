"""Public pages for clients and carers."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from booking.public import embed_routes, routes  # noqa: E402,F401
