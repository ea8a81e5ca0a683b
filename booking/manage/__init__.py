"""A client's private page for one booking: view, cancel, move, shorten, calendar file."""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("manage", __name__, url_prefix="/manage")
bp.after_request(never_cache)  # a private link's page: names, times, questionnaire link

from booking.manage import routes  # noqa: E402,F401
