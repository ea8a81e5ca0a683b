"""The intake questionnaire, at /intake/<private link>: one topic a page, saved as you go."""

from flask import Blueprint, Response

bp = Blueprint("intake", __name__)


@bp.after_request
def never_cache(response: Response) -> Response:
    """Health answers on a page: never kept by a browser or a shared computer's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


from booking.intake import routes  # noqa: E402, F401  (registers the routes)
