"""Availability for the shared workload, in process: time, queries, and free starts.

    .venv/bin/python bench/availability.py

Figures are printed beside a reference measured in the same run: fetching the workload's
booking rows with a bare DB-API cursor, the least any availability answer must do.
"""

from __future__ import annotations

import statistics
import sys
import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload as w
from sqlalchemy import event

ROUNDS = 30


def best_and_median(run, rounds: int = ROUNDS) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        started = clock.perf_counter()
        run()
        times.append(clock.perf_counter() - started)
    return min(times), statistics.median(times)


def free_starts(last_day) -> int:
    """Every (practitioner, start) pair free, across the bookable period."""
    from booking.clock import practice_zone
    from booking.extensions import db
    from booking.services.booking import availability
    from booking.services.booking.making import active_service

    zone = practice_zone()
    start, _ = availability.local_day_bounds(w.FIRST_DAY, zone)
    _, end = availability.local_day_bounds(last_day, zone)
    service = active_service(w.SERVICE_SLUG)
    slots = availability.find_slots(service, availability.active_practitioners(), start, end, w.NOW)
    db.session.rollback()
    return sum(len(slot.practitioner_ids) for slot in slots)


def measure(size: w.Workload, rounds: int = ROUNDS) -> None:
    from booking import create_app
    from booking.api.lookups import free_slots
    from booking.extensions import db
    from config import config_from_environment

    url = w.database_url("booking_bench")
    env = w.environment(url)
    w.migrate(env)
    app = create_app(config_from_environment(env))
    w.seed(app, size)
    last_day = w.FIRST_DAY + timedelta(days=w.DAYS - 1)

    with app.app_context():
        engine = db.engine
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

        def availability():
            slots = free_slots(w.SERVICE_SLUG, w.FIRST_DAY, last_day, None, w.NOW)
            db.session.rollback()  # each call as a fresh request would make it
            return slots

        availability()
        queries = len(statements)
        free = free_starts(last_day)

        def reference():
            connection = engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(
                    "SELECT practitioner_id, blocked_from_utc, blocked_until_utc FROM bookings"
                )
                cursor.fetchall()
            finally:
                connection.close()

        got, ref = [], []
        for _ in range(3):  # alternate, so a busy moment hurts both alike
            got.append(best_and_median(availability, rounds))
            ref.append(best_and_median(reference, rounds))
        best = min(b for b, _ in got)
        median = statistics.median(m for _, m in got)
        ref_best = min(b for b, _ in ref)
    backend = engine.dialect.name
    verdict = "" if free == size.expected_free else f"  WRONG: expected {size.expected_free:,}"
    print(
        f"availability, {size.label} ({backend}): best {best * 1000:.1f} ms, "
        f"median {median * 1000:.1f} ms, {queries} queries, {free:,} free starts{verdict}; "
        f"{best / ref_best:.1f}x a bare fetch of the booking rows ({ref_best * 1000:.1f} ms)"
    )
    engine.dispose()


def main() -> None:
    measure(w.STANDARD)
    if "--quick" not in sys.argv:
        for size in w.LARGER:
            measure(size, rounds=5)


if __name__ == "__main__":
    main()
