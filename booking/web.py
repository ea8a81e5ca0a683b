"""Request hooks shared by every page: size limits and security headers."""

from flask import Flask, Response, abort, current_app, request, url_for

# No external requests at all: everything the pages need is served from here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def init_app(app: Flask) -> None:
    """Install the hooks on the app."""

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
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Private links (manage, intake) carry tokens in their paths: never leak them onward.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for emails, calendar files and API answers, built on BASE_URL."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)
