"""Configuration is read from the environment and refuses what cannot work."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from booking import create_app
from config import (
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    config_from_environment,
    database_url,
)

ROOT = Path(__file__).resolve().parent.parent
GOOD_SECRET = "k" * 16 + "9f2c4e7a1b3d5f6a8c0e2b4d"


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "short-but-random-1234"])
def test_production_refuses_a_missing_or_placeholder_secret_key(secret):
    environ = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig(environ)


def test_production_accepts_a_long_random_secret_key():
    config = ProductionConfig(
        {
            "SECRET_KEY": GOOD_SECRET,
            "BASE_URL": "https://book.example",
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MAIL_SERVER": "mail.example",
        }
    )
    assert config.SECRET_KEY == GOOD_SECRET
    assert config.SESSION_COOKIE_SECURE is True


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u:p@db:5432/booking", "postgresql+psycopg://u:p@db:5432/booking"),
        ("postgresql://u@db/booking", "postgresql+psycopg://u@db/booking"),
        ("postgresql+psycopg://u@db/booking", "postgresql+psycopg://u@db/booking"),
        ("sqlite:///booking.db", "sqlite:///booking.db"),
        ("  sqlite:////var/lib/booking.db  ", "sqlite:////var/lib/booking.db"),
    ],
)
def test_database_url_picks_our_drivers(raw, expected):
    assert database_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not a url", "is not a database URL"),
        ("localhost:5432/booking", "is not a database URL"),
        ("mysql://u@db/booking", "'mysql', which this app does not support"),
        ("postgresql://u@127.0.0.1:abc/booking", "is not a database URL"),
        ("sqlite+pysqlcipher:///secret.db", "a SQLite driver this app does not use"),
    ],
)
def test_a_bad_database_url_is_explained(raw, message):
    with pytest.raises(ConfigError, match=message):
        database_url(raw)


@pytest.mark.parametrize("port", ["abc", "0", "70000", ""])
def test_a_bad_mail_port_is_refused(port):
    with pytest.raises(ConfigError, match="MAIL_PORT must be a port number"):
        DevelopmentConfig({"MAIL_PORT": port})


@pytest.mark.parametrize("name", ["STAFF_IDLE_MINUTES", "STAFF_SESSION_HOURS"])
@pytest.mark.parametrize("value", ["0", "-5", "half an hour", ""])
def test_staff_session_times_must_be_whole_numbers(name, value):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number of at least 1"):
        DevelopmentConfig({name: value})


def test_staff_sessions_default_to_half_an_hour_idle_and_ten_hours_in_all():
    config = DevelopmentConfig({})
    assert (config.STAFF_IDLE_MINUTES, config.STAFF_SESSION_HOURS) == (30, 10)
    assert DevelopmentConfig({"STAFF_IDLE_MINUTES": "15"}).STAFF_IDLE_MINUTES == 15


def test_sign_in_throttling_counts_in_redis_only_when_redis_url_is_set():
    assert DevelopmentConfig({}).RATELIMIT_STORAGE_URI == "memory://"
    config = DevelopmentConfig({"REDIS_URL": "redis://cache.internal:6379/2"})
    assert config.RATELIMIT_STORAGE_URI == "redis://cache.internal:6379/2"
    assert config.RATELIMIT_STORAGE_OPTIONS["socket_connect_timeout"] == 2


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ConfigError, match="Europe/Londn"):
        DevelopmentConfig({"PRACTICE_TIMEZONE": "Europe/Londn"})


def test_app_env_chooses_the_config_class():
    assert config_from_environment({}).APP_ENV == "development"
    production = config_from_environment(
        {
            "APP_ENV": "production",
            "SECRET_KEY": GOOD_SECRET,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MAIL_SERVER": "mail.example",
        }
    )
    assert production.APP_ENV == "production"
    with pytest.raises(ConfigError, match="APP_ENV 'staging'"):
        config_from_environment({"APP_ENV": "staging"})
    # The testing config has a public secret key: the environment cannot choose it.
    with pytest.raises(ConfigError, match="APP_ENV 'testing'"):
        config_from_environment({"APP_ENV": "testing"})


def test_development_generates_and_keeps_a_secret_key_in_instance(tmp_path):
    config = DevelopmentConfig({"DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}"})
    first = create_app(config, instance_path=str(tmp_path))
    second = create_app(config, instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def run_flask(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`flask --app wsgi routes` in a clean environment: only what the test gives, plus PATH."""
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        # An explicit key, so the subprocess writes no secret into the project's instance/.
        "SECRET_KEY": GOOD_SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    } | env
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_flask_commands_load_the_app_from_wsgi(tmp_path):
    result = run_flask(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "postgress//oops"}, "DATABASE_URL is not a database URL"),
        ({"DATABASE_URL": "mysql://u@db/x"}, "DATABASE_URL uses 'mysql'"),
        ({"APP_ENV": "production", "SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"MAIL_PORT": "smtp"}, "MAIL_PORT must be a port number"),
        (
            {
                "APP_ENV": "production",
                "SECRET_KEY": GOOD_SECRET,
                "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            },
            "MAIL_SERVER is not set",
        ),
        (
            {"DATABASE_URL": "postgresql://booking:s3cret@127.0.0.1:9/booking"},
            "cannot reach the database at postgresql+psycopg://booking:***@127.0.0.1:9/booking",
        ),
        ({"DATABASE_URL": "sqlite:////no/such/folder/booking.db"}, "unable to open database"),
    ],
)
def test_misconfiguration_gives_one_clear_line_at_start_up(tmp_path, env, message):
    result = run_flask(tmp_path, **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr


def test_behind_a_proxy_the_client_address_comes_from_the_forwarded_header(tmp_path):
    from flask import request

    from booking import create_app
    from config import TestingConfig

    seen = []
    for proxies in (0, 1):
        app = create_app(
            TestingConfig(
                environ={},
                TRUSTED_PROXIES=proxies,
                SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
            ),
            instance_path=str(tmp_path),
        )
        app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr or "")
        response = app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
        seen.append(response.get_data(as_text=True))
    assert seen == ["10.0.0.1", "203.0.113.9"]


def test_trusted_proxies_must_be_a_whole_number():
    from config import ConfigError, TestingConfig

    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        TestingConfig(environ={"TRUSTED_PROXIES": "two"})


def test_production_asks_browsers_to_keep_to_https_for_a_year_unless_told(tmp_path):
    production = ProductionConfig(
        {
            "SECRET_KEY": GOOD_SECRET,
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            "MAIL_SERVER": "mail.example",
        }
    )

    def header(**overrides) -> str | None:
        for name, value in overrides.items():
            setattr(production, name, value)
        app = create_app(production, instance_path=str(tmp_path))
        return app.test_client().get("/no-such-page").headers.get("Strict-Transport-Security")

    assert header() == "max-age=31536000"
    assert header(HSTS_MAX_AGE=300) == "max-age=300"
    assert header(HSTS_MAX_AGE=0) is None


def test_development_sends_no_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_max_age_is_read_from_the_environment():
    assert DevelopmentConfig({"HSTS_MAX_AGE": "600"}).HSTS_MAX_AGE == 600
    with pytest.raises(ConfigError, match="HSTS_MAX_AGE"):
        DevelopmentConfig({"HSTS_MAX_AGE": "a year"})


def test_env_example_lists_every_setting_in_the_readme_table():
    """.env.example is the README's promise of "every setting": keep the two together."""
    table = re.findall(
        r"^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|", (ROOT / "README.md").read_text(), re.M
    )
    documented = {name for row in table for name in re.findall(r"`([A-Z_]+)`", row)}
    example = set(re.findall(r"^# ([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert len(documented) > 20
    assert documented - example == set()
