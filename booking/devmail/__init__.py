"""Development only: /dev/mail, every message the practice has sent, as its recipient would
see it (registered only when messages go to the development mailbox; never in production)."""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")
bp.after_request(never_cache)

from booking.devmail import routes  # noqa: E402,F401
