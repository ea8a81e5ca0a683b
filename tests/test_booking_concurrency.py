"""Many people booking at once through the service layer: one winner per time, clear refusals.

Each worker is a thread with its own app context (so its own session and connection), all
released together. On SQLite write transactions take turns (BEGIN IMMEDIATE); on PostgreSQL
the exclusion constraint decides. Either way book() must turn a lost race into TimeTaken.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from booking.domain.statuses import BookingStatus
from booking.extensions import db
from booking.models import Booking, Client, Practitioner
from booking.services.booking import ClientDetails, TimeTaken, book, new_manage_token
from tests.support import DEFAULT_NOW, run_together
from tests.support.factories import (
    make_booking,
    make_client,
    make_practitioner,
    make_service,
    open_weekdays,
)

NOW = DEFAULT_NOW
MON = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 23 November, 10:00 (UTC = London)
WORKERS = 16
TIME_LIMIT = 10  # seconds per concurrent run; well under what a user would wait

OVERLAPS = text(
    """
    SELECT a.id, b.id FROM bookings AS a
    JOIN bookings AS b
      ON a.practitioner_id = b.practitioner_id
     AND a.id < b.id
     AND a.blocked_from_utc < b.blocked_until_utc
     AND b.blocked_from_utc < a.blocked_until_utc
    WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
    """
)


@dataclass(frozen=True)
class Attempt:
    """One worker's form: who, what, when and with whom."""

    key: str
    start: datetime
    practitioner_id: int | None
    details: ClientDetails
    token: str
    slug: str = "first-visit"


@pytest.fixture
def practice(app):
    """Ada and Ben work Monday to Friday 09:00 to 17:00; a 45-minute first visit blocks
    10 minutes before and 15 after, so 70 minutes in all."""
    with app.app_context():
        ada = make_practitioner(name="Ada Moss")
        ben = make_practitioner(name="Ben Reid")
        open_weekdays(ada)
        open_weekdays(ben)
        make_service(slug="first-visit", minutes=45, first_visit=True)
        make_service(slug="gentle", minutes=60)
        db.session.commit()
        return ada.id, ben.id


def newcomer(n: int | str) -> ClientDetails:
    return ClientDetails(name=f"Client {n}", email=f"client-{n}@example.test")


def run_concurrently(app, attempts: list[Attempt]) -> dict[str, object]:
    """Run every attempt at once; each key maps to the booking id, or the exception raised."""
    assert len(attempts) >= WORKERS
    outcomes: dict[str, object] = {}
    lock = threading.Lock()

    def attempt(item: Attempt) -> None:
        with app.app_context():
            try:
                result = book(
                    item.slug, item.start, item.practitioner_id, item.details, item.token, NOW
                )
                outcome: object = ("booked", result.booking.id, result.repeated)
            except Exception as problem:  # every kind is recorded, and judged by the test
                outcome = problem
            finally:
                db.session.remove()
        with lock:
            outcomes[item.key] = outcome

    began = time.monotonic()
    run_together(attempt, attempts)
    assert time.monotonic() - began < TIME_LIMIT
    assert len(outcomes) == len(attempts)
    return outcomes


def booked_ids(outcomes: dict[str, object]) -> dict[str, int]:
    return {key: o[1] for key, o in outcomes.items() if isinstance(o, tuple)}


def refusals(outcomes: dict[str, object]) -> dict[str, Exception]:
    return {key: o for key, o in outcomes.items() if isinstance(o, Exception)}


def assert_no_overlaps() -> None:
    db.session.rollback()
    assert db.session.execute(OVERLAPS).all() == []


def test_the_overlap_query_finds_overlaps_between_live_bookings(app):
    """The check used below is not vacuous: it sees an overlap once a booking is revived
    (done here in SQL the constraint never sees, with the constraint set aside)."""
    with app.app_context():
        ada = make_practitioner()
        service = make_service(minutes=60)
        make_booking(
            practitioner=ada, service=service, start_utc=MON, status=BookingStatus.CANCELLED
        )
        make_booking(practitioner=ada, service=service, start_utc=MON + timedelta(minutes=30))
        make_booking(practitioner=ada, service=service, start_utc=MON + timedelta(hours=3))
        db.session.commit()
        assert db.session.execute(OVERLAPS).all() == []
        with_cancelled = text(OVERLAPS.text.replace("a.status <> 'cancelled' AND", "1 = 1 AND"))
        assert len(db.session.execute(with_cancelled).all()) == 1


def test_sixteen_people_booking_one_time_leave_one_booking(app, practice):
    ada, _ben = practice
    attempts = [Attempt(f"w{i}", MON, ada, newcomer(i), new_manage_token()) for i in range(WORKERS)]

    outcomes = run_concurrently(app, attempts)

    winners = booked_ids(outcomes)
    lost = refusals(outcomes)
    assert len(winners) == 1, outcomes
    assert {type(problem) for problem in lost.values()} == {TimeTaken}, lost
    assert len(lost) == WORKERS - 1
    for problem in lost.values():
        assert MON not in [slot.start for slot in problem.alternatives]
    with app.app_context():
        (winner_key,) = winners
        booking = db.session.get(Booking, winners[winner_key])
        assert booking.start_utc == MON and booking.practitioner_id == ada
        assert booking.client.email == f"client-{winner_key[1:]}@example.test"
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
        # The losers' transactions were rolled back whole: no client without a booking.
        assert db.session.scalar(select(func.count()).select_from(Client)) == 1
        assert_no_overlaps()


def test_mixed_times_give_one_winner_per_clash_and_book_everything_else(app, practice):
    ada, ben = practice
    at = MON.replace
    # Every pair within a set overlaps (starts under 70 minutes apart); no two sets overlap.
    clashing_sets = {
        "a": [
            (ada, at(hour=h, minute=m)) for h, m in [(10, 0), (10, 0), (10, 15), (10, 45), (10, 30)]
        ],
        "b": [(ada, at(hour=h, minute=m)) for h, m in [(13, 30), (14, 0), (14, 0), (14, 15)]],
        # Anyone: Ada and Ben can take one each, the third is too many.
        "c": [(None, at(hour=15, minute=45))] * 3,
    }
    loners = [
        (ada, at(hour=9, minute=15) + timedelta(days=1)),  # Tuesday
        (ada, at(hour=12) + timedelta(days=2)),  # Wednesday
        (ben, at(hour=10)),  # Ben, at set a's time: another therapist
        (ben, at(hour=11, minute=15)),  # back to back with Ben's 10:00 (blocked until 11:05)
        (ben, at(hour=13, minute=30)),
        (ada, at(hour=12)),  # between sets a and b
    ]
    attempts = [
        Attempt(f"{name}{i}", start, who, newcomer(f"{name}{i}"), new_manage_token())
        for name, times in clashing_sets.items()
        for i, (who, start) in enumerate(times)
    ] + [
        Attempt(f"solo{i}", start, who, newcomer(f"solo{i}"), new_manage_token())
        for i, (who, start) in enumerate(loners)
    ]

    outcomes = run_concurrently(app, attempts)

    winners = booked_ids(outcomes)
    lost = refusals(outcomes)
    assert {type(problem) for problem in lost.values()} <= {TimeTaken}, lost
    won_by_set = {name: [k for k in winners if k.startswith(name)] for name in clashing_sets}
    assert len(won_by_set["a"]) == 1, outcomes
    assert len(won_by_set["b"]) == 1, outcomes
    assert len(won_by_set["c"]) == 2, outcomes  # one with Ada, one with Ben
    assert all(f"solo{i}" in winners for i in range(len(loners))), outcomes
    assert len(lost) == len(attempts) - len(winners)
    with app.app_context():
        set_c = [db.session.get(Booking, winners[k]) for k in won_by_set["c"]]
        assert {b.practitioner_id for b in set_c} == {ada, ben}
        for key, booking_id in winners.items():
            booking = db.session.get(Booking, booking_id)
            assert booking.client.name == f"Client {key}"
        total = db.session.scalar(select(func.count()).select_from(Booking))
        assert total == len(winners)
        assert db.session.scalar(select(func.count()).select_from(Client)) == len(winners)
        assert_no_overlaps()


def test_sixteen_people_asking_for_anyone_fill_every_therapist_once(app, practice):
    with app.app_context():
        for name in ("Cat Lowe", "Dev Shah"):
            open_weekdays(make_practitioner(name=name))
        db.session.commit()
        therapists = {p.id for p in db.session.scalars(select(Practitioner))}
    assert len(therapists) == 4
    attempts = [
        Attempt(f"w{i}", MON, None, newcomer(i), new_manage_token()) for i in range(WORKERS)
    ]

    outcomes = run_concurrently(app, attempts)

    winners = booked_ids(outcomes)
    lost = refusals(outcomes)
    assert len(winners) == 4, outcomes  # a taken first choice falls through to the next
    assert {type(problem) for problem in lost.values()} == {TimeTaken}, lost
    with app.app_context():
        booked = [db.session.get(Booking, booking_id) for booking_id in winners.values()]
        assert {b.practitioner_id for b in booked} == therapists
        assert db.session.scalar(select(func.count()).select_from(Client)) == 4
        assert_no_overlaps()


@pytest.mark.parametrize(
    "earlier_session",
    [None, datetime(2026, 10, 1, 10, 0, tzinfo=UTC), datetime(2026, 11, 16, 10, 0, tzinfo=UTC)],
    ids=["new-client", "returning-client", "returning-in-first-month"],
)
def test_the_same_form_sent_sixteen_times_at_once_books_once(app, practice, earlier_session):
    """A double-click times sixteen: one booking, and every caller is shown it."""
    ada, _ben = practice
    slug = "first-visit"
    if earlier_session is not None:  # exactly a week or more before: pacing allows Monday
        with app.app_context():
            regular = make_client(name="Client same", email="client-same@example.test")
            make_booking(
                client=regular,
                practitioner=db.session.get(Practitioner, ada),
                start_utc=earlier_session,
                status=BookingStatus.ATTENDED,
            )
            db.session.commit()
        slug = "gentle"
    token = new_manage_token()
    attempts = [Attempt(f"w{i}", MON, ada, newcomer("same"), token, slug) for i in range(WORKERS)]

    outcomes = run_concurrently(app, attempts)

    with app.app_context():
        facts = {
            "refused": sorted(type(problem).__name__ for problem in refusals(outcomes).values()),
            "bookings shown": len(set(booked_ids(outcomes).values())),
            "first-time results": sum(
                1 for o in outcomes.values() if isinstance(o, tuple) and not o[2]
            ),
            "bookings": db.session.scalar(
                select(func.count()).select_from(Booking).where(Booking.start_utc == MON)
            ),
            "clients": db.session.scalar(select(func.count()).select_from(Client)),
        }
        assert facts == {
            "refused": [],
            "bookings shown": 1,
            "first-time results": 1,
            "bookings": 1,
            "clients": 1,  # no client row left behind by the callers who were shown the booking
        }
        assert_no_overlaps()
