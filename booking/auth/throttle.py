"""Slowing down password guessing at /login, per email address typed and per client address.

Every attempt counts, right or wrong: the limiter counts a request before the password is
checked, so guesses sent all at once cannot slip past it. Five in 15 minutes leaves room for a
few typos before getting it right. When the limit is reached, the next try gets a calm
"please wait a few minutes" page (see routes.py), the same for every email whether or not it
has an account. Nothing is ever locked for good: the count covers only the last 15 minutes.

Behind a reverse proxy, set TRUSTED_PROXIES (config.py) so the client's address reaches Flask
as request.remote_addr; otherwise every request looks as if it came from the proxy.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from booking.domain.text import tidy_line
from booking.services.staff.accounts import normalise_email

PER_EMAIL = "5 per 15 minutes"
PER_ADDRESS = "30 per 15 minutes"


def email_key() -> str:
    """The limit's key for the email typed: a keyed hash, so the store holds no addresses."""
    try:
        # Exactly the address the sign-in looks up (the form's tidy_line filter, then
        # normalise_email): a tab or other invisible character typed into it is no new email.
        typed = normalise_email(str(tidy_line(str(request.form.get("email", "")))))[:254]
    except HTTPException:  # e.g. a body too large to read: the view refuses the request
        typed = ""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, typed.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return "email:" + digest[:32]


def address_key() -> str:
    """The limit's key for the client's network address."""
    return "address:" + (get_remote_address() or "unknown")
