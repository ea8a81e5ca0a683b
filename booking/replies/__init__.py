"""One-tap answers from emails: /checkin/<link> and /followup/<link>."""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("replies", __name__)
bp.after_request(never_cache)

from booking.replies import routes  # noqa: E402,F401
