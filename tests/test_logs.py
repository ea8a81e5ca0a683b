"""Logging: one line per event, and never a private link's token."""

from __future__ import annotations

import logging

import pytest

import config
from booking.logs import HideTokens


def _line(message: str, *args: object) -> str:
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, args, None)
    HideTokens().filter(record)
    return record.getMessage()


def test_tokens_in_logged_paths_are_hidden():
    token = "Xq3v9LmP2rT8wY6zA1bC4dE7fG0hJ5kN"
    line = _line('127.0.0.1 - - "%s %s HTTP/1.1" 200 -', "GET", f"/manage/{token}/again")
    assert token not in line
    assert '"GET /manage/…/again HTTP/1.1" 200' in line
    signed = "WzEyLDAsImZpbmUiXQ.ZmFrZS1zaWduYXR1cmUtaGVyZQ"
    assert signed not in _line(f"GET /replies/followup/{signed}")


def test_ordinary_paths_stay_readable():
    assert _line("GET /dashboard/clients/12/sessions") == "GET /dashboard/clients/12/sessions"
    assert _line("GET /book/gentle-massage?from=2026-11-23") == (
        "GET /book/gentle-massage?from=2026-11-23"
    )
    assert _line("GET /book/first-gentle-session/details") == (
        "GET /book/first-gentle-session/details"
    )


def test_the_level_comes_from_the_environment_and_a_wrong_one_is_refused():
    assert config.TestingConfig(environ={"LOG_LEVEL": "warning"}).LOG_LEVEL == "WARNING"
    with pytest.raises(config.ConfigError, match="LOG_LEVEL must be one of"):
        config.TestingConfig(environ={"LOG_LEVEL": "chatty"})
