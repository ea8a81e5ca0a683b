"""Configuration classes, read from the environment when instantiated.

`create_app()` picks one by `APP_ENV` (development, the default, or production);
tests pass `TestingConfig(...)` with explicit overrides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_URL = "sqlite:///booking.db"  # Flask-SQLAlchemy puts relative paths in instance/

# Secret keys that appear in tutorials and templates; production refuses them.
PLACEHOLDER_SECRETS = {"dev", "development", "secret", "changeme", "change-me", "please-change-me"}
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """The environment asks for something the app cannot run with."""


def database_url(raw: str) -> str:
    """Validate a database URL and pick our drivers (psycopg 3 for PostgreSQL)."""
    try:
        url: URL = make_url(raw.strip())
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise ConfigError(
            "DATABASE_URL is not a database URL. Use postgresql://user:password@host:5432/name "
            "or sqlite:///file.db."
        ) from None
    backend = url.get_backend_name()
    if backend == "postgres":  # Heroku-style scheme
        backend = "postgresql"
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend == "sqlite":
        if url.get_driver_name() != "pysqlite":
            raise ConfigError(
                "DATABASE_URL asks for a SQLite driver this app does not use. Use sqlite:///file.db."
            )
    else:
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}, which this app does not support. "
            "Use postgresql:// or sqlite://."
        )
    return url.render_as_string(hide_password=False)


def practice_timezone(name: str) -> str:
    """Check that a time zone name exists, so a typo fails at start-up, not at booking time."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"PRACTICE_TIMEZONE {name!r} is not a known time zone (e.g. Europe/London)."
        ) from None
    return name


def port_number(name: str, raw: str) -> int:
    """A TCP port from the environment, or a clear error."""
    if not raw.strip().isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a port number between 1 and 65535, not {raw!r}.")
    return int(raw)


def local_time(name: str, raw: str) -> time:
    """A local time of day such as 10:00, or a clear error."""
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a time of day such as 10:00, not {raw!r}.") from None


def whole_number(name: str, raw: str, minimum: int = 0) -> int:
    """A whole number from the environment, or a clear error."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return int(raw)


def parse_keys(raw: str) -> list[Fernet]:
    """Fernet keys from a comma-separated setting; ValueError names a bad one by position."""
    keys = []
    for position, key in enumerate((part.strip() for part in raw.split(",")), start=1):
        if not key:
            continue
        try:
            keys.append(Fernet(key))
        except (ValueError, TypeError):
            raise ValueError(
                f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes). Make "
                'one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None
    if not keys:
        raise ValueError("no key given")
    return keys


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def embed_origins(raw: str) -> tuple[str, ...]:
    """The web sites allowed to show the booking pages in a frame, or a clear error."""
    # Imported here: the booking package imports this module as it starts.
    from booking.domain.settings import SettingError, parse_origins

    try:
        return parse_origins(raw)
    except SettingError as problem:
        raise ConfigError(f"EMBED_ALLOWED_ORIGINS: {problem}") from None


def log_level(raw: str) -> str:
    """A logging level name; anything else stops start-up with one line."""
    level = raw.strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw!r}.")
    return level


class Config:
    """Settings shared by every environment."""

    APP_ENV = "development"
    TESTING = False
    DEBUG = False
    HSTS_DEFAULT = 0  # Strict-Transport-Security only where the site is served over HTTPS

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object) -> None:
        env = os.environ if environ is None else environ

        def number(name: str, default: int, minimum: int = 0) -> int:
            return whole_number(name, env.get(name, str(default)), minimum)

        self.SECRET_KEY: str | None = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or DEFAULT_SQLITE_URL
        self.BASE_URL = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.PRACTICE_TIMEZONE = practice_timezone(env.get("PRACTICE_TIMEZONE", "Europe/London"))
        self.PRACTICE_NAME = env.get("PRACTICE_NAME", "Still Waters Massage")
        self.PRACTICE_PHONE = env.get("PRACTICE_PHONE", "01632 960 123")
        self.PRACTICE_EMAIL = env.get("PRACTICE_EMAIL", "hello@stillwaters.example")
        self.PRACTICE_ADDRESS = env.get("PRACTICE_ADDRESS", "12 Mill Lane, Hebden Bridge HX7 8AA")
        # No MAIL_SERVER in development: messages go to a folder read at /dev/mail
        # (services/messaging/devmail.py; DEV_MAIL_DIR, by default instance/dev-mail).
        self.MAIL_SERVER = env.get("MAIL_SERVER") or None
        self.DEV_MAIL_DIR = env.get("DEV_MAIL_DIR") or None
        self.MAIL_PORT = port_number("MAIL_PORT", env.get("MAIL_PORT", "25"))
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", self.PRACTICE_EMAIL)
        # Texts through Twilio (services/messaging/sms.py); without all three, each text
        # becomes a phone call for the desk. SMS_API_BASE_URL only for a test server.
        self.TWILIO_ACCOUNT_SID = env.get("TWILIO_ACCOUNT_SID") or None
        self.TWILIO_AUTH_TOKEN = env.get("TWILIO_AUTH_TOKEN") or None
        self.SMS_FROM = env.get("SMS_FROM") or None
        self.SMS_API_BASE_URL = env.get("SMS_API_BASE_URL") or None
        self.REDIS_URL = env.get("REDIS_URL") or None
        self.LOG_LEVEL = log_level(env.get("LOG_LEVEL", "INFO"))
        self.FIELD_ENCRYPTION_KEY = env.get("FIELD_ENCRYPTION_KEY") or None
        # The practice's own web sites, allowed to show /embed/book in a frame (comma-separated
        # https origins; admin may change the list in Practice settings). None by default.
        self.EMBED_ALLOWED_ORIGINS = embed_origins(env.get("EMBED_ALLOWED_ORIGINS", ""))
        # A client's intake link keeps working for this long after they last used it.
        self.INTAKE_LINK_DAYS = number("INTAKE_LINK_DAYS", 30, minimum=14)
        # A returning client re-confirms their answers when the last intake is older than this.
        self.INTAKE_RECONFIRM_DAYS = number("INTAKE_RECONFIRM_DAYS", 90, minimum=1)
        # Booking rules (defaults from DOMAIN.md; the therapist may change them).
        self.BOOKING_STEP_MINUTES = number("BOOKING_STEP_MINUTES", 15, minimum=5)
        self.BOOKING_MIN_NOTICE_HOURS = number("BOOKING_MIN_NOTICE_HOURS", 12)
        self.BOOKING_MAX_ADVANCE_DAYS = number("BOOKING_MAX_ADVANCE_DAYS", 90, minimum=1)
        # Sessions in a client's first month stay this many days apart, so each can settle.
        self.FIRST_MONTH_MIN_GAP_DAYS = number("FIRST_MONTH_MIN_GAP_DAYS", 7)
        # Reminder timings (the client's quiet hours are respected on top of these).
        self.REMINDER_LOCAL_TIME = local_time(
            "REMINDER_LOCAL_TIME", env.get("REMINDER_LOCAL_TIME", "10:00")
        )
        self.FOLLOWUP_HOURS = number("FOLLOWUP_HOURS", 48, minimum=12)
        self.INTAKE_NUDGE_DAYS = number("INTAKE_NUDGE_DAYS", 3, minimum=2)
        # Therapists' own calendars (private ICS addresses) read as busy time: how often the
        # worker reads them, how long a read may take and how big a calendar may be. Addresses
        # on loopback or private networks are refused unless BUSY_CALENDAR_ALLOW_PRIVATE=1 (a
        # calendar server on the practice's own network, and the tests).
        self.BUSY_CALENDAR_SYNC_MINUTES = number("BUSY_CALENDAR_SYNC_MINUTES", 15, minimum=1)
        self.BUSY_CALENDAR_TIMEOUT_SECONDS = number("BUSY_CALENDAR_TIMEOUT_SECONDS", 20, minimum=1)
        self.BUSY_CALENDAR_MAX_BYTES = number("BUSY_CALENDAR_MAX_BYTES", 5_000_000, minimum=1000)
        self.BUSY_CALENDAR_ALLOW_PRIVATE = env.get("BUSY_CALENDAR_ALLOW_PRIVATE", "") == "1"
        # Staff sessions end after this long without activity, and this long after sign-in.
        self.STAFF_IDLE_MINUTES = number("STAFF_IDLE_MINUTES", 30, minimum=1)
        self.STAFF_SESSION_HOURS = number("STAFF_SESSION_HOURS", 10, minimum=1)
        # Sign-in throttling (Flask-Limiter): kept in Redis when REDIS_URL is set, so every
        # worker counts together; in memory otherwise (one process, as in development).
        self.RATELIMIT_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = "booking"
        self.RATELIMIT_HEADERS_ENABLED = False
        # If Redis stops answering, sign-in pauses with a clear message (auth/routes.py) rather
        # than count in each process's memory, which lets several times the guesses through.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = False
        self.RATELIMIT_SWALLOW_ERRORS = False
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
        # How many proxies in front of the app add X-Forwarded-For/-Proto/-Host (0: none, as
        # with `flask run`). Sign-in throttling counts per client address, so behind a proxy
        # this must be set, or every client shares the proxy's allowance.
        self.TRUSTED_PROXIES = number("TRUSTED_PROXIES", 0, minimum=0)
        # Browsers keep to HTTPS for this many seconds after a visit (0: no header).
        self.HSTS_MAX_AGE = number("HSTS_MAX_AGE", self.HSTS_DEFAULT)
        # Forms here are small; anything bigger is a mistake or an attack.
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # Tired people may leave a form open for hours; the token stays tied to the session.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        for key, value in overrides.items():
            setattr(self, key, value)
        if "RATELIMIT_STORAGE_URI" not in overrides:
            self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        if not self.RATELIMIT_STORAGE_URI.startswith("redis"):
            self.RATELIMIT_STORAGE_OPTIONS = {}  # those options are for the Redis client
        if self.FIELD_ENCRYPTION_KEY:
            try:
                parse_keys(self.FIELD_ENCRYPTION_KEY)
            except ValueError as problem:
                raise ConfigError(f"FIELD_ENCRYPTION_KEY: {problem}") from None
        self.SQLALCHEMY_DATABASE_URI = database_url(self.SQLALCHEMY_DATABASE_URI)
        url = make_url(self.SQLALCHEMY_DATABASE_URI)
        if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
            # Fail in seconds, not minutes, when the server is unreachable.
            self.SQLALCHEMY_ENGINE_OPTIONS = {
                **self.SQLALCHEMY_ENGINE_OPTIONS,
                "connect_args": {"connect_timeout": 10},
            }


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, a generated secret key kept in instance/."""


class TestingConfig(Config):
    """The test suite: CSRF stays on (tests post real tokens), no real mail."""

    APP_ENV = "testing"
    TESTING = True

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object) -> None:
        super().__init__(environ, **overrides)
        if not self.SECRET_KEY:
            self.SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"  # noqa: S105


class ProductionConfig(Config):
    """Production: refuses to start without a real secret key."""

    APP_ENV = "production"
    HSTS_DEFAULT = 365 * 24 * 3600

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: object) -> None:
        super().__init__(environ, **overrides)
        secret = self.SECRET_KEY or ""
        if not secret:
            raise ConfigError("SECRET_KEY is not set. Set it to a long random value in production.")
        if secret.lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"SECRET_KEY looks like a placeholder. Use at least {MIN_SECRET_LENGTH} random "
                'characters, e.g. python -c "import secrets; print(secrets.token_urlsafe(48))".'
            )
        if not self.FIELD_ENCRYPTION_KEY:
            raise ConfigError(
                "FIELD_ENCRYPTION_KEY is not set. Health answers are encrypted with it; make one "
                'with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())" and keep it safe (losing it loses answers).'
            )
        if not self.MAIL_SERVER:
            raise ConfigError(
                "MAIL_SERVER is not set. Set it to your SMTP server (and MAIL_PORT); "
                "without it no confirmation, invite or reminder can be sent."
            )
        self.DEV_MAIL_DIR = None  # the development mailbox and its viewer never run here
        self.SESSION_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.PREFERRED_URL_SCHEME = "https" if self.SESSION_COOKIE_SECURE else "http"


# What APP_ENV may name. TestingConfig is not here: it has a fixed, public secret key, so only
# the test suite builds it, directly.
CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}


def config_from_environment(environ: Mapping[str, str] | None = None) -> Config:
    """Build the config named by APP_ENV (default development)."""
    env = os.environ if environ is None else environ
    name = env.get("APP_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise ConfigError(f"APP_ENV {name!r} is unknown; use development or production.")
    return CONFIGS[name](env)
