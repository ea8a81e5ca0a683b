"""Request hooks shared by every page: size limits and security headers."""

from collections.abc import Sequence

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.routing import IntegerConverter, Map

# No external requests at all: everything the pages need is served from here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def content_security_policy(frame_ancestors: Sequence[str] = ()) -> str:
    """The policy for a page: no site may frame it, unless it is one of `frame_ancestors`
    (origins already checked by domain/settings.parse_origin, so safe inside the header)."""
    if not frame_ancestors:
        return CONTENT_SECURITY_POLICY
    allowed = " ".join(frame_ancestors)
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {allowed}")


class RowId(IntegerConverter):
    """`<id:name>`: a database id in a URL. A number too big for the database is simply not
    found (404), instead of an overflow deep in the driver."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ROW_ID)


MAX_ROW_ID = 2**31 - 1  # the largest INTEGER PostgreSQL stores


def row_id(raw: object) -> int | None:
    """A database id typed in a query string or form, or None if it cannot be one.

    Only ASCII digits: str.isdigit() also accepts "²" and other digits int() refuses.
    """
    if not isinstance(raw, str) or not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ROW_ID else None


def init_app(app: Flask) -> None:
    """Install the hooks on the app."""
    app.url_map.converters["id"] = RowId

    @app.before_request
    def refuse_oversized_bodies() -> None:
        # Werkzeug only enforces MAX_CONTENT_LENGTH when a view reads the body; refuse early so
        # every route, even an unknown one, answers an oversized request the same way.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            abort(413)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        # Only the framed booking pages (/embed/...) set frame_ancestors: the practice's own
        # sites may show them. X-Frame-Options cannot name a site, so it is left off there;
        # every browser that honours frame-ancestors lets it override X-Frame-Options anyway.
        embedded = "frame_ancestors" in g
        framed_by = g.frame_ancestors if embedded else ()
        headers.setdefault("Content-Security-Policy", content_security_policy(framed_by))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if not framed_by:
            headers.setdefault("X-Frame-Options", "DENY")
        # Private links (manage, intake) carry tokens in their paths: never leak them onward.
        # The framed pages send their own origin to themselves, so that their forms' posts
        # carry an Origin to check (with no-referrer a browser sends "Origin: null").
        headers.setdefault("Referrer-Policy", "same-origin" if embedded else "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if max_age := app.config.get("HSTS_MAX_AGE"):
            headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
        return response


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for emails, calendar files and API answers, built on BASE_URL."""
    # Built from the URL map directly, so a link works outside a request too (the outbox
    # worker, the command line); values become the path and query string, as with url_for.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def never_cache(response: Response) -> Response:
    """Pages with personal or health details are never kept by a browser or a shared cache."""
    if "no-store" not in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"  # a view's own no-store rule stays
    return response
