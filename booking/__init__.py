"""ME-aware booking and intake for a massage practice: the application factory."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from booking.logs import configure_logging
from config import Config, ConfigError, config_from_environment


def create_app(
    config: Config | type[Config] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the Flask app from a config object or class (default: from the environment)."""
    # Static files are served by static_assets (hashed URLs, compressed), not Flask's route.
    app = Flask(
        __name__, instance_path=instance_path, instance_relative_config=True, static_folder=None
    )
    if config is None:
        config = config_from_environment()
    elif isinstance(config, type):
        config = config()
    app.config.from_object(config)
    configure_logging(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if app.config["APP_ENV"] == "development" and not app.config.get("MAIL_SERVER"):
        # Messages are kept to read at /dev/mail rather than fail against no server.
        app.config["DEV_MAIL_DIR"] = app.config.get("DEV_MAIL_DIR") or str(
            Path(app.instance_path) / "dev-mail"
        )

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    register_extensions(app)
    register_request_hooks(app)  # first: it brings the URL converters the blueprints use
    register_blueprints(app)
    register_template_context(app)
    register_commands(app)
    return app


def require_database(app: Flask) -> None:
    """Fail start-up with one clear line when the configured database cannot be reached."""
    from sqlalchemy.engine import make_url

    from booking.extensions import db
    from booking.services.health import database_problem

    with app.app_context():
        problem = database_problem()
        # Leave no connection in the pool: gunicorn --preload forks workers after this, and a
        # connection shared across processes corrupts both sides' conversations.
        db.engine.dispose()
    if problem is not None:
        where = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)
        raise ConfigError(f"cannot reach the database at {where} (DATABASE_URL): {problem}")


def _instance_secret(path: Path) -> str:
    """A development secret kept in instance/, so sessions survive restarts without a default."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to this app."""
    from booking import auth, clock, encryption, models, static_assets  # noqa: F401  (models: tables)
    from booking.database import configure_sqlite
    from booking.extensions import csrf, db, migrate
    from booking.views import page_cache

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    clock.init_app(app)
    encryption.init_app(app)
    auth.init_app(app)
    page_cache.init_app(app)
    static_assets.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def register_blueprints(app: Flask) -> None:
    """Attach each feature's routes (the errors blueprint brings the error pages)."""
    from booking.api import bp as api_bp
    from booking.auth import bp as auth_bp
    from booking.dashboard import bp as dashboard_bp
    from booking.errors import bp as errors_bp
    from booking.feeds import bp as feeds_bp
    from booking.health import bp as health_bp
    from booking.intake import bp as intake_bp
    from booking.manage import bp as manage_bp
    from booking.public import bp as public_bp
    from booking.replies import bp as replies_bp
    from booking.waitlist import bp as waitlist_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(replies_bp)
    app.register_blueprint(waitlist_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(feeds_bp)
    if app.config.get("DEV_MAIL_DIR") and app.config["APP_ENV"] != "production":
        from booking.devmail import bp as devmail_bp

        app.register_blueprint(devmail_bp)


def register_request_hooks(app: Flask) -> None:
    """Request size limits and security headers for every response."""
    from booking.web import init_app

    init_app(app)


def register_template_context(app: Flask) -> None:
    """Values every template may use, such as the practice's contact details."""

    @app.context_processor
    def practice_details() -> dict[str, object]:
        phone = app.config["PRACTICE_PHONE"]
        return {
            "practice": {
                "name": app.config["PRACTICE_NAME"],
                "phone": phone,
                "phone_href": "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
                "email": app.config["PRACTICE_EMAIL"],
            }
        }

    from booking.clock import local_date, template_context

    app.context_processor(template_context)
    app.add_template_filter(local_date, "local_day")

    from booking.views.questionnaire import minutes_in_all

    # The questionnaire's time estimate, on the booked, manage and first pages alike.
    app.add_template_global(minutes_in_all)

    from booking.domain.contact import phone_for_display
    from booking.domain.dates import clock_in_words, day_in_words, moment_in_words
    from booking.web import public_url

    app.add_template_global(public_url)
    app.add_template_filter(moment_in_words, "in_words")
    app.add_template_filter(day_in_words, "day_words")
    app.add_template_filter(phone_for_display, "phone")
    app.add_template_filter(clock_in_words, "clock_words")

    @app.template_filter("clock")
    def local_clock(moment, zone) -> str:
        return clock_in_words(moment.astimezone(zone).time())


def register_commands(app: Flask) -> None:
    """Command-line tools: `flask --app wsgi seed-demo` and friends."""
    from booking.commands import init_app

    init_app(app)
