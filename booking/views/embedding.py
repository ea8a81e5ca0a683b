"""The booking pages inside a frame on the practice's own web site (/embed/book).

Which sites may frame them (the Practice setting, falling back to EMBED_ALLOWED_ORIGINS), the
snippet admin pastes into such a site, and the form token the framed pages use.

Inside a frame on another site the browser keeps our session cookie to itself: SameSite=Lax
cookies are never sent to a frame whose top page is another site, and many browsers block
third-party cookies outright. The session-bound token Flask-WTF uses would fail every time, so
the framed forms carry a token of their own: signed, time-limited and bound to the form's
purpose and service, and each post must also come from this site or an allowed one (its
Origin header). A page elsewhere can neither read a token from the frame nor post with our
origin, which is what stops a forged booking.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken
from flask import abort, current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup, escape
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from booking.services.practice import settings as practice_settings

# A tired client may leave the page open for a long while; after this the form asks for one
# more press (keeping what was typed), as the main flow's expired token does.
FRAME_TOKEN_HOURS = 24
FRAME_ID = "booking-frame"
FALLBACK_HEIGHT = 900  # px, without JavaScript: the frame scrolls inside this height


def allowed_origins() -> tuple[str, ...]:
    """The web sites allowed to show the booking pages in a frame (may be none)."""
    return practice_settings.current().embed_origins


def allow_framing() -> tuple[str, ...]:
    """Let this response be framed by the allowed sites (web.py writes the header)."""
    origins = allowed_origins()
    g.frame_ancestors = origins
    return origins


def own_origin() -> str:
    """This site's origin as the browser sees it."""
    return request.host_url.rstrip("/")


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_post_origin() -> None:
    """Refuse (400) a post that does not come from this site or an allowed one.

    Browsers send Origin with every POST; Referer only stands in when Origin is missing (an
    old browser). Neither at all is refused: a booking is never made from nowhere.
    """
    sent = request.headers.get("Origin")
    origin = sent.lower() if sent and sent != "null" else None
    if origin is None and (referrer := request.headers.get("Referer")):
        origin = _origin_of(referrer)
    base = _origin_of(current_app.config["BASE_URL"])
    if origin is None or origin not in {own_origin().lower(), base, *allowed_origins()}:
        abort(400)


def _tokens() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="embed-form")


def _purpose() -> str:
    """What a token is good for: the framed booking form of one service."""
    return "book:" + str((request.view_args or {}).get("slug", ""))


class FrameCSRF(CSRF):
    """A form token that needs no cookie: signed, dated and bound to the form's purpose."""

    def generate_csrf_token(self, csrf_token_field) -> str:
        return _tokens().dumps(_purpose())

    def validate_csrf_token(self, form, field) -> None:
        try:
            purpose = _tokens().loads(field.data or "", max_age=FRAME_TOKEN_HOURS * 3600)
        except SignatureExpired:
            raise ValidationError("The form has expired.") from None
        except BadSignature:
            raise ValidationError("The form token is missing or wrong.") from None
        if purpose != _purpose():
            raise ValidationError("The form token is for another form.")


# --- What was typed, carried through the steps in the address instead of the session -----------


def _drafts() -> Fernet:
    # Its own key, derived from SECRET_KEY: the typed name, email and phone ride in a link, so
    # they are encrypted (not merely signed) and unreadable in any log the address reaches.
    digest = hashlib.sha256(b"embed-draft:" + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_draft(draft: Mapping[str, object]) -> str:
    """The details typed so far, sealed to carry in a link while the client changes the time."""
    return _drafts().encrypt(json.dumps(dict(draft), separators=(",", ":")).encode()).decode()


def open_draft(sealed: str | None) -> dict[str, object] | None:
    """The details a link carries, or None if it carries none, or they are old or altered."""
    if not sealed or len(sealed) > 4000:
        return None
    try:
        opened = json.loads(_drafts().decrypt(sealed.encode(), ttl=FRAME_TOKEN_HOURS * 3600))
    except (InvalidToken, ValueError):
        return None
    return opened if isinstance(opened, dict) else None


def embed_snippet() -> Markup:
    """What to paste into the practice's own page: the frame, and the script that sizes it."""
    base = current_app.config["BASE_URL"]
    return escape(
        f'<iframe id="{FRAME_ID}" src="{base}/embed/book" title="Book a session" '
        f'width="100%" height="{FALLBACK_HEIGHT}" style="border: 0; max-width: 100%;"></iframe>\n'
        f'<script src="{base}/static/embed-parent.js" data-frame="{FRAME_ID}" async></script>'
    )
