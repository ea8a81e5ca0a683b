"""Health check for load balancers and uptime monitors."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from booking.health import routes  # noqa: E402,F401
