"""The staff dashboard at /dashboard, one folder per feature, all on one blueprint.

Every page needs a signed-in member of staff, and each route names the roles it allows
(booking/auth/roles.py). Clinical details are for the therapist and admin only.

The blueprint is shared so endpoint names stay `dashboard.<page>`; each feature's routes attach
to it when imported below, the one place that lists them all. What several features use (the
layout's words, the search form, the diary's words) lives beside this file.
"""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
bp.after_request(never_cache)  # staff pages hold personal data


# Every feature's route modules, in one list: importing one attaches its pages to `bp`.
from booking.dashboard.accounts import routes as accounts_routes  # noqa: E402,F401
from booking.dashboard.admin import outbox_routes as admin_outbox_routes  # noqa: E402,F401
from booking.dashboard.admin import routes as admin_routes  # noqa: E402,F401
from booking.dashboard.calls import routes as calls_routes  # noqa: E402,F401
from booking.dashboard.clients import routes as clients_routes  # noqa: E402,F401
from booking.dashboard.cover import routes as cover_routes  # noqa: E402,F401
from booking.dashboard.desk import book_routes as desk_book_routes  # noqa: E402,F401
from booking.dashboard.desk import export_routes as desk_export_routes  # noqa: E402,F401
from booking.dashboard.desk import routes as desk_routes  # noqa: E402,F401
from booking.dashboard.diary import routes as diary_routes  # noqa: E402,F401
from booking.dashboard.home import routes as home_routes  # noqa: E402,F401
from booking.dashboard.hours import routes as hours_routes  # noqa: E402,F401
from booking.dashboard.own_calendar import routes as own_calendar_routes  # noqa: E402,F401
from booking.dashboard.reviews import routes as reviews_routes  # noqa: E402,F401
from booking.dashboard.therapist import feed_routes as therapist_feed_routes  # noqa: E402,F401
from booking.dashboard.therapist import routes as therapist_routes  # noqa: E402,F401
from booking.dashboard.timeline import routes as timeline_routes  # noqa: E402,F401
from booking.dashboard.todo import routes as todo_routes  # noqa: E402,F401
from booking.dashboard.waitlist import routes as waitlist_routes  # noqa: E402,F401
from booking.dashboard.words import words  # noqa: E402

bp.context_processor(words)  # statuses, flags and choices in plain words, on every page
