"""Staff sign-in and sign-out, and who may open which dashboard page."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Bind Flask-Login (our account loader, strong session protection) and the sign-in
    throttle (fresh storage for each app) to the app."""
    from booking.auth.accounts import load_signed_in
    from booking.extensions import limiter, login_manager

    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.user_loader(load_signed_in)
    # A session cookie carried to another browser or network is dropped, not trusted.
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"


from booking.auth import routes  # noqa: E402,F401
