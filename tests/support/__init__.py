"""The scaffolding the tests share; the fixtures live in tests/conftest.py.

Test modules import helpers from here and never from one another. This module holds the
general ones (the fixed clock, backend choice, skipping, threads); the rest are by subject:

- booking: book as a client online, and read the booking back by its token
- browser: Chromium, axe-core, keyboard steps, sign-in and target sizes
- desk: the demo practice at the desk (booking by staff, a session with Maya)
- diary: a week in the diary, for the diary's page and browser tests
- factories: rows with sensible defaults (practitioners, services, bookings, consents...)
- intake: follow the questionnaire link, fill in its pages, read the answers back
- mail: a real SMTP server that keeps what it receives
- messages: the facts the booking emails and calendar invites are made from
- pages: the words on a page and its form token
- queries: the SQL statements a page or a call sends
- schema: a comparable picture of a database schema
- staff: staff accounts, signing in through the form, intakes with answers
- route_rules: each dashboard area's access table, for test_dashboard_access.py
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import pytest

T = TypeVar("T")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# A fixed "now" for tests that do not choose their own: a Saturday in late November 2026.
DEFAULT_NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

# For guarantees only one backend gives: run the test on that backend alone.
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def missing(what: str) -> None:
    """Skip on a developer machine; fail in CI, where everything must be present."""
    if IN_CI:
        pytest.fail(f"{what} is required in CI", pytrace=False)
    pytest.skip(f"{what} is not available")


def postgres_url() -> str:
    """The PostgreSQL test database, or skip (fail in CI) when there is none."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        missing("PostgreSQL (TEST_DATABASE_URL)")
    return url


def run_together(task: Callable[[T], None], inputs: Sequence[T]) -> None:
    """Run task(item) for each item in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(inputs))

    def run(item: T) -> None:
        barrier.wait()
        task(item)

    threads = [threading.Thread(target=run, args=(item,)) for item in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
