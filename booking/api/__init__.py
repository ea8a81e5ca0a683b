"""JSON API v1 for the practice's website and integrations."""

from flask import Blueprint

from booking.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Callers send JSON without cookies; there is no session for a forged request to ride on.
csrf.exempt(bp)

from booking.api import routes  # noqa: E402,F401
