"""Logging: one line per event, with its level, and never a private link's token.

Configured once per process when nothing else has set logging up (gunicorn's own loggers and
a test runner's capture are left alone). The app never logs health answers or message
contents; a filter on the handler also shortens any long token in a logged path (a manage
link, a questionnaire link, an answer link, a calendar feed), which the web server's request
lines would otherwise show in full.
"""

from __future__ import annotations

import logging
import re
import sys

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A path segment of 32 or more URL-safe characters is a token: every private link's token is
# at least 43 (secrets.token_urlsafe(32), or signed and longer); ids and slugs are shorter.
TOKEN = re.compile(r"/[A-Za-z0-9_\-.~]{32,}")


class HideTokens(logging.Filter):
    """Replace every token in a log line by "/…"."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = TOKEN.sub("/…", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def configure_logging(app: Flask) -> None:
    """Send the app's and the worker's log lines to standard error, at LOG_LEVEL."""
    root = logging.getLogger()
    level = app.config.get("LOG_LEVEL", "INFO")
    if root.handlers:  # someone (gunicorn, a test runner) already decided where logs go
        for handler in root.handlers:
            if not any(isinstance(f, HideTokens) for f in handler.filters):
                handler.addFilter(HideTokens())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(HideTokens())
    root.addHandler(handler)
    # The app's own lines (and the development server's requests) at LOG_LEVEL; libraries'
    # chatter (a migration's set-up, say) only when it is a warning.
    root.setLevel(logging.WARNING)
    for name in (app.logger.name, "booking", "werkzeug"):
        logging.getLogger(name).setLevel(level)
