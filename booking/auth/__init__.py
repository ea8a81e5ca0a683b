"""Staff sign-in and sign-out, and who may open which dashboard page."""

from flask import Blueprint, Flask, request

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Bind Flask-Login (our account loader, strong session protection) and the sign-in
    throttle (fresh storage for each app) to the app."""
    from booking.auth.accounts import load_signed_in
    from booking.extensions import limiter, login_manager

    limiter.init_app(app)
    # The limiter looks at every request before it runs, though only sign-in has limits (its
    # view's own decorator checks them too). Keep that look for sign-in's blueprint only:
    # the clients' pages should not pay for it.
    hooks = app.before_request_funcs[None]
    check = limiter._check_request_limit  # the hook it installed

    def check_sign_in_only() -> None:
        if request.blueprint == bp.name:
            check()

    hooks[hooks.index(check)] = check_sign_in_only

    login_manager.init_app(app)
    login_manager.user_loader(load_signed_in)
    # A session cookie carried to another browser or network is dropped, not trusted.
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"


from booking.auth import routes, second_step  # noqa: E402,F401
