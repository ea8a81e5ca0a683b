"""WSGI entry point: `flask --app wsgi …` in development, `gunicorn wsgi:app` in production."""

import sys

from booking import create_app, require_database
from config import ConfigError

try:
    app = create_app()
    require_database(app)
except ConfigError as error:
    # One clear line instead of a stack trace: the fix is in the environment, not the code.
    sys.exit(f"Configuration error: {error}")
