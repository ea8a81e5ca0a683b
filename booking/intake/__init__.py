"""The intake questionnaire, at /intake/<private link>: one topic a page, saved as you go."""

from flask import Blueprint

from booking.web import never_cache

bp = Blueprint("intake", __name__)
bp.after_request(never_cache)  # health answers on every page


from booking.intake import routes  # noqa: E402, F401  (registers the routes)
