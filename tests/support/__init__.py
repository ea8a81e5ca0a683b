"""Helpers shared by the tests (fixtures live in conftest.py)."""

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
