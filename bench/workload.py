"""The shared availability workload, so figures compare across projects (issue 16).

Practitioners work Monday to Friday 09:00-17:00 (Europe/London) from Monday 2027-01-04 for
90 days; one 45-minute service with no buffers; step 45; no minimum notice. `cells` is every
(working day, practitioner, start 09:00, 09:45 ... 15:45) ordered by day, then practitioner,
then start, and the bookings are `random.Random(20270104).sample(cells, n)`.
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/London")
FIRST_DAY = date(2027, 1, 4)
DAYS = 90
STEP = 45
SERVICE_SLUG = "bench-45"
NOW = datetime(2027, 1, 4, tzinfo=ZONE).astimezone(UTC)
CELLS_PER_DAY = 10  # 09:00, 09:45 ... 15:45
ENV = {
    "BOOKING_STEP_MINUTES": str(STEP),
    "BOOKING_MIN_NOTICE_HOURS": "0",
    "BOOKING_MAX_ADVANCE_DAYS": str(DAYS),
}


def start_times() -> list[time]:
    """The workload's starts on one day: 09:00, 09:45 ... 15:45."""
    base = datetime.combine(FIRST_DAY, time(9, 0))
    return [(base + timedelta(minutes=STEP * i)).time() for i in range(CELLS_PER_DAY)]


def working_days() -> list[date]:
    """Monday to Friday in the 90 days from FIRST_DAY."""
    days = (FIRST_DAY + timedelta(days=i) for i in range(DAYS))
    return [day for day in days if day.weekday() < 5]


def cells(practitioners: int) -> list[tuple[date, int, time]]:
    """Every bookable (day, practitioner index, start), in the workload's order."""
    return [
        (day, who, start)
        for day in working_days()
        for who in range(practitioners)
        for start in start_times()
    ]


@dataclass(frozen=True)
class Workload:
    """A size of the workload: how many practitioners and bookings."""

    practitioners: int
    bookings: int

    @property
    def expected_free(self) -> int:
        return len(cells(self.practitioners)) - self.bookings

    @property
    def label(self) -> str:
        return f"{self.practitioners} therapists x {DAYS} days x {self.bookings:,} bookings"


STANDARD = Workload(5, 2000)
# The same density (about 400 bookings per therapist) with more therapists.
LARGER = (Workload(50, 20_000), Workload(250, 100_000))


def database_url(name: str) -> str:
    """A fresh, empty database: PostgreSQL (BENCH_DATABASE_URL, or the local server when it
    answers), else a SQLite file. Recreated on every call."""
    url = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/" + name)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = parsed.set(database="postgres").render_as_string(hide_password=False)
        admin = admin.replace("postgresql://", "postgresql+psycopg://", 1)
        from sqlalchemy import create_engine

        try:
            engine = create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
                )
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
            engine.dispose()
            return url
        except Exception as problem:  # any failure to reach it: fall back to SQLite
            print(f"(PostgreSQL not reachable: {problem.__class__.__name__}; using SQLite)")
    folder = tempfile.mkdtemp(prefix="booking-bench-")
    return f"sqlite:///{folder}/{name}.db"


def environment(url: str) -> dict[str, str]:
    """The environment the app runs with for a benchmark."""
    return {
        **os.environ,
        **ENV,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + "x" * 40,
        "APP_ENV": "production",
        "FIELD_ENCRYPTION_KEY": "qVJOXx9Gv3S1nqsx0hCKpCZz9mF1oDLu5pl1KO3cD2E=",
        "LOG_LEVEL": "WARNING",
        "MAIL_PORT": "2",
    }


def migrate(env: dict[str, str]) -> None:
    """Bring the database to the current schema with the project's own migrations."""
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def working_hours(people) -> list:
    """The workload's hours, Monday to Friday 09:00-17:00, for each of these therapists."""
    from booking.models import OpeningHours

    return [
        OpeningHours(
            practitioner_id=p.id,
            weekday=weekday,
            start_local=time(9),
            end_local=time(17),
            valid_from=FIRST_DAY,
        )
        for p in people
        for weekday in range(5)
    ]


def seed(app, workload: Workload) -> None:
    """Add the workload's practitioners, hours, service and bookings to an empty database."""
    from booking.extensions import db
    from booking.models import Booking, Client, Practitioner, Service

    with app.app_context():
        session = db.session
        people = [
            Practitioner(name=f"Therapist {i:03d}", email=f"t{i}@bench.example")
            for i in range(workload.practitioners)
        ]
        session.add_all(people)
        service = Service(
            slug=SERVICE_SLUG,
            name="Bench session",
            minutes=STEP,
            buffer_before_minutes=0,
            buffer_after_minutes=0,
            first_visit=True,
        )
        client = Client(name="Bench Client", email="client@bench.example")
        session.add_all([service, client])
        session.flush()
        session.add_all(working_hours(people))
        chosen = random.Random(20270104).sample(cells(workload.practitioners), workload.bookings)
        rows = []
        for index, (day, who, start) in enumerate(chosen):
            begins = datetime.combine(day, start, tzinfo=ZONE).astimezone(UTC)
            ends = begins + timedelta(minutes=STEP)
            rows.append(
                {
                    "client_id": client.id,
                    "practitioner_id": people[who].id,
                    "service_id": service.id,
                    "start_utc": begins,
                    "end_utc": ends,
                    "blocked_from_utc": begins,
                    "blocked_until_utc": ends,
                    "ical_uid": f"bench-{index}@bench.example",
                }
            )
        for first in range(0, len(rows), 5000):
            session.execute(insert(Booking), rows[first : first + 5000])
        session.commit()


def add_free_therapists(app, count: int) -> list[int]:
    """Therapists with the workload's hours and nothing booked (room for booking benchmarks)."""
    from booking.extensions import db
    from booking.models import Practitioner

    with app.app_context():
        people = [
            Practitioner(name=f"Free Therapist {i:03d}", email=f"free{i}@bench.example")
            for i in range(count)
        ]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(working_hours(people))
        db.session.commit()
        return [p.id for p in people]
