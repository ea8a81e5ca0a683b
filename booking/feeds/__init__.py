"""Therapists' private calendar feeds at /feeds/<token>.ics: a secret, revocable link each."""

from flask import Blueprint

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

from booking.feeds import routes  # noqa: E402,F401
