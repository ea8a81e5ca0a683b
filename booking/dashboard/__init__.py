"""The staff dashboard at /dashboard: the coming fortnight, reviews, clients, calls, screening.

Every page needs a signed-in member of staff, and each route names the roles it allows
(booking/auth/roles.py). Clinical details are for the therapist and admin only.
"""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.after_request(never_cache)  # staff pages hold personal data


from booking.dashboard import (  # noqa: E402,F401
    accounts_routes,
    desk_routes,
    diary_routes,
    feed_routes,
    routes,
    therapist_routes,
)
from booking.dashboard.words import words  # noqa: E402

bp.context_processor(words)  # statuses, flags and choices in plain words, on every page
