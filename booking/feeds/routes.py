"""The calendar feed a therapist's calendar app subscribes to."""

from __future__ import annotations

import hashlib

from flask import Response, abort, request

from booking.clock import now_utc
from booking.feeds import bp
from booking.services.messaging import feeds

# Calendar apps poll: let them keep a copy, but ask every time whether it is still current
# (the ETag makes that cheap). "no-store" would forbid the copy the ETag is checked against.
FEED_CACHE_CONTROL = "private, max-age=0, must-revalidate"


@bp.get("/<token>.ics")
def calendar(token: str) -> Response:
    """The therapist's sessions as an iCalendar subscription; a wrong or old link is a 404."""
    practitioner = feeds.practitioner_for_feed(token)
    if practitioner is None:
        abort(404)
    body = feeds.practitioner_feed(practitioner, now_utc())
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = FEED_CACHE_CONTROL
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)
